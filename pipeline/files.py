"""Writing stage outputs so that each file appears whole or not at all."""

import json
import os
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`, renamed onto `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same folder, so the rename is atomic; same suffix, so np.savez adds none.
    temporary = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json(path, data):
    """Write `data` as indented JSON, atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(data, indent=2) + "\n")


def write_csv(path, header, rows):
    """Write a header line and rows of values as comma-separated text, atomically."""
    lines = [",".join(header)] + [",".join(str(value) for value in row) for row in rows]
    with atomic_path(path) as temporary:
        temporary.write_text("\n".join(lines) + "\n")
