"""Running the `dvc` command line of this environment."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
# Stages run `python` from the PATH; it must be this environment's, in queue workers too.
ENV = os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "DVC_NO_ANALYTICS": "1"}


def dvc(*args, capture=False):
    """Run `dvc ARGS`; return its stdout when `capture`; exit with its last error line on failure."""
    # Files, not pipes: `dvc queue start` leaves workers running that inherit these,
    # and a pipe would not reach end-of-file until they exit.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        done = subprocess.run([str(BIN / "dvc"), *args], env=ENV, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if done.returncode != 0:
        lines = (stderr or stdout).strip().splitlines()
        sys.exit(f"`dvc {' '.join(args[:2])}` failed: {lines[-1] if lines else done.returncode}")
    return stdout if capture else None
