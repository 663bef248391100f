"""Reading the prepare stage's data/prepared/<split>.npz, checked before any work."""

import zipfile
from pathlib import Path

import numpy as np

from pipeline.stage import StageError

PREPARED = Path("data/prepared")


def load(split, folder=PREPARED):
    """Return (images, labels) of `folder`/<split>.npz: float32 (N, pixels) in [0, 1] and uint8 (N,) digits."""
    path = Path(folder) / f"{split}.npz"
    redo = "run `dvc repro prepare`"
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    except FileNotFoundError:
        raise StageError(f"{path} not found; {redo} first") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise StageError(f"{path} is not a prepared data file ({error}); {redo} again") from None
    if images.dtype != np.float32 or images.ndim != 2 or labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
        raise StageError(
            f"{path} holds images {images.dtype} {images.shape} and labels {labels.dtype} {labels.shape}; "
            f"expected float32 (N, pixels) and uint8 (N,); {redo} again"
        )
    if len(labels) == 0 or labels.max() > 9:
        raise StageError(f"{path} holds {len(labels)} labels, up to {labels.max(initial=0)}; expected digits 0 to 9; {redo} again")
    return images, labels
