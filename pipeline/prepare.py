"""Stage prepare: the raw MNIST files as train, validation and test arrays.

Each data/prepared/<split>.npz holds `images`, float32 (N, 784) in [0, 1], and
`labels`, uint8 (N,). As in Nielsen's book, validation is the last images of
the MNIST training file, train the first ones, and test is the t10k file.
"""

from pathlib import Path

import numpy as np

from pipeline.files import atomic_path
from pipeline.idx import read_idx
from pipeline.params import load
from pipeline.prepared import PREPARED
from pipeline.stage import StageError, run

RAW = Path("data/raw")
SIDE = 28  # MNIST images are 28x28 pixels


def read_digits(images_path, labels_path):
    """Return (images, labels) from a pair of IDX files, checked to be 28x28 digits, one label each."""
    images, labels = read_idx(images_path, 3), read_idx(labels_path, 1)
    if images.shape[1:] != (SIDE, SIDE):
        height, width = images.shape[1:]
        raise StageError(f"{images_path} holds images of {height}x{width} pixels, expected {SIDE}x{SIDE}")
    if len(images) != len(labels):
        raise StageError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
    if len(labels) and labels.max() > 9:
        raise StageError(f"{labels_path} has label {labels.max()}; digit labels are 0 to 9")
    return images, labels


def save(path, images, labels):
    """Write images as float32 rows of pixels in [0, 1], and their labels, to `path` atomically."""
    pixels = images.reshape(len(images), SIDE * SIDE).astype(np.float32) / np.float32(255)
    with atomic_path(path) as temporary:
        np.savez(temporary, images=pixels, labels=labels)


def prepare(sizes, raw=RAW, prepared=PREPARED):
    """Split the IDX files in `raw` into `prepared`/{train,validation,test}.npz; return the split sizes."""
    train_images, train_labels = read_digits(raw / "train-images-idx3-ubyte", raw / "train-labels-idx1-ubyte")
    test_images, test_labels = read_digits(raw / "t10k-images-idx3-ubyte", raw / "t10k-labels-idx1-ubyte")
    train_size, validation_size = sizes["train_size"], sizes["validation_size"]
    if train_size + validation_size > len(train_images):
        raise StageError(
            f"prepare.train_size {train_size} + prepare.validation_size {validation_size} is more than "
            f"the {len(train_images)} images in {raw / 'train-images-idx3-ubyte'}; lower them in params.yaml"
        )
    splits = {
        "train": (train_images[:train_size], train_labels[:train_size]),
        "validation": (train_images[-validation_size:], train_labels[-validation_size:]),
        "test": (test_images, test_labels),
    }
    for name, (images, labels) in splits.items():
        save(prepared / f"{name}.npz", images, labels)
    return {name: len(labels) for name, (_, labels) in splits.items()}


def main():
    params = load()
    counts = prepare(params["prepare"])
    print(f"{PREPARED}: " + ", ".join(f"{name} {count}" for name, count in counts.items()) + " images")


if __name__ == "__main__":
    run(main, "prepare")
