"""How fast `predict` answers: one image from a cold start, and a folder of 10,000 images.

Run from the project root:  .venv/bin/python benchmarks/predict_speed.py
It uses artifacts/model.onnx if the pipeline has made one (else a random
784-15-10 network: the speed does not depend on the weights) and the real
MNIST test digits if data/prepared/test.npz exists (else drawn digits).
Every figure is the wall time of a fresh `predict` process, as a user sees it.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from PIL import Image, ImageDraw

from model.onnx_graph import build

PREDICT = Path(sys.executable).parent / "predict"
MODEL = Path("artifacts/model.onnx")
TEST = Path("data/prepared/test.npz")
FOLDER_SIZE = 10_000
REPEATS = 7


def seconds(*args):
    """Wall time of one `predict ARGS...` process, which must succeed."""
    start = time.perf_counter()
    subprocess.run([PREDICT, *map(str, args)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def model_path(scratch):
    if MODEL.exists():
        return MODEL
    rng = np.random.default_rng(0)
    sizes = [784, 15, 10]
    weights = [rng.uniform(-0.5, 0.5, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-0.5, 0.5, n_out) for n_out in sizes[1:]]
    onnx.save(build(weights, biases, {}), scratch / "model.onnx")
    return scratch / "model.onnx"


def mnist_digits(count):
    """`count` 28x28 uint8 MNIST test digits (repeated as needed), or None without the prepared data."""
    if not TEST.exists():
        return None
    with np.load(TEST) as test:
        images = np.round(test["images"] * 255).astype(np.uint8).reshape(-1, 28, 28)
    return images[np.arange(count) % len(images)]


def photo_like(rng, size=(200, 300)):
    """A dark digit-like stroke on light, slightly grainy paper: the full preprocessing path."""
    image = Image.fromarray(rng.integers(215, 245, size[::-1], dtype=np.uint8))
    points = [tuple(rng.integers(30, min(size) - 30, 2)) for _ in range(4)]
    ImageDraw.Draw(image).line(points, fill=20, width=int(rng.integers(8, 20)))
    return image


def folder_of(scratch, name, images):
    folder = scratch / name
    folder.mkdir()
    for i, image in enumerate(images):
        image.save(folder / f"{i:05d}.png")
    return folder


def main():
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        model = model_path(scratch)
        digits = mnist_digits(FOLDER_SIZE)
        mnist = [Image.fromarray(d) for d in digits] if digits is not None else None
        drawn = [photo_like(rng) for _ in range(FOLDER_SIZE)]
        one = scratch / "one.png"
        (mnist or drawn)[0].save(one)
        photo = scratch / "photo.jpg"
        photo_like(rng, (4000, 3000)).save(photo, quality=90)

        print(f"model {model}; {PREDICT}; median of {REPEATS} runs (folders: 3), cold process each")
        rows = [("predict --help", ["--help"]),
                ("one 28x28 PNG", ["--model", model, one]),
                ("one 4000x3000 JPEG photo", ["--model", model, photo])]
        for label, args in rows:
            times = [seconds(*args) for _ in range(REPEATS)]
            print(f"  {label:<32} {statistics.median(times) * 1000:7.0f} ms  (min {min(times) * 1000:.0f} ms)")

        folders = [("MNIST 28x28", mnist)] if mnist else []
        folders.append(("drawn 200x300", drawn))
        for label, images in folders:
            folder = folder_of(scratch, label.split()[0], images)
            elapsed = statistics.median(seconds("--model", model, folder) for _ in range(3))
            print(f"  {f'folder of {len(images):,} {label}':<32} {elapsed:7.2f} s   "
                  f"({len(images) / elapsed:,.0f} images/s)")


if __name__ == "__main__":
    main()
