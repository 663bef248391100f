"""Small generated stand-ins for MNIST: IDX files of a synthetic, learnable digit set.

Digit k is a bright blob at the k-th of ten points on a circle around the image
centre, jittered and noisy, so a small network separates the classes in a few
epochs. `write_dataset` writes the four files under their MNIST names and
returns the checksum table that params.yaml's download.files expects.
"""

import gzip
import hashlib
from pathlib import Path

import numpy as np

SIDE = 28
NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def idx_bytes(array):
    """Return the IDX encoding of an array of unsigned bytes."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.tobytes()


def digits(count, rng):
    """Return `count` synthetic (images uint8 (count, 28, 28), labels uint8 (count,))."""
    labels = rng.integers(0, 10, count).astype(np.uint8)
    angles = 2 * np.pi * labels / 10
    centres = SIDE / 2 - 0.5 + 8 * np.stack([np.sin(angles), np.cos(angles)], axis=1)
    centres += rng.normal(0, 1, (count, 2))
    rows, columns = np.mgrid[0:SIDE, 0:SIDE]
    squared = (rows - centres[:, 0, None, None]) ** 2 + (columns - centres[:, 1, None, None]) ** 2
    blobs = 255 * np.exp(-squared / (2 * 2.5**2))
    noise = rng.uniform(0, 40, (count, SIDE, SIDE))
    return np.clip(blobs + noise, 0, 255).astype(np.uint8), labels


def checksums(contents):
    """Return the {name: {"bytes", "md5"}} table for a {name: bytes} mapping."""
    return {name: {"bytes": len(data), "md5": hashlib.md5(data).hexdigest()}
            for name, data in contents.items()}


def write_dataset(folder, train=600, test=100, seed=0, compress=False):
    """Write the four IDX files of a synthetic digit set into `folder`; return their checksum table.

    With `compress` the files are written as <name>.gz, as HTTP mirrors serve them;
    the table still describes the uncompressed files.
    """
    rng = np.random.default_rng(seed)
    contents = {}
    for split, count in (("train", train), ("test", test)):
        images, labels = digits(count, rng)
        images_name, labels_name = NAMES[split]
        contents[images_name], contents[labels_name] = idx_bytes(images), idx_bytes(labels)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        if compress:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return checksums(contents)
