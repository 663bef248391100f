"""Test material for serve/ and the export: drawn digit images and tiny ONNX models of random networks."""

import io

import numpy as np
import onnx
from PIL import Image, ImageDraw

from model.onnx_graph import build


def seven(size=(200, 300), at=(0, 0), ink=0, paper=255, width=24):
    """A 7 drawn as two strokes on a canvas of `size` (width, height), shifted by `at`: mode L."""
    image = Image.new("L", size, paper)
    x, y = at
    ImageDraw.Draw(image).line([(x + 40, y + 50), (x + 150, y + 50), (x + 80, y + 250)], fill=ink, width=width)
    return image


def mnist_like(rng, count):
    """`count` 28x28 uint8 MNIST-style digits: light blobby strokes on a black ground, roughly centred."""
    rows, cols = np.mgrid[0:28, 0:28]
    digits = np.zeros((count, 28, 28))
    for digit in digits:
        for _ in range(3):
            centre = 13.5 + rng.uniform(-5, 5, 2)
            digit += np.exp(-((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2) / (2 * rng.uniform(1, 3) ** 2))
    digits[:, :4], digits[:, -4:], digits[:, :, :4], digits[:, :, -4:] = 0, 0, 0, 0
    return np.round(255 * np.clip(digits, 0, 1)).astype(np.uint8)


def png(image):
    """The bytes of `image` saved as PNG."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def random_network(sizes, seed=0):
    """(weights, biases) of a network of `sizes`, uniform in [-1, 1), as float32 (what ONNX stores)."""
    rng = np.random.default_rng(seed)
    weights = [rng.uniform(-1, 1, (n_out, n_in)).astype(np.float32) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.uniform(-1, 1, n_out).astype(np.float32) for n_out in sizes[1:]]
    return weights, biases


def forward(weights, biases, x):
    """The sigmoid network's output activations for rows x, in float64 NumPy."""
    a = np.asarray(x, np.float64)
    for w, b in zip(weights, biases):
        a = 1 / (1 + np.exp(-(a @ np.asarray(w, np.float64).T + b)))
    return a


def write_model(path, weights, biases, params=None):
    """Save the ONNX model of (weights, biases) at `path`; return `path`."""
    onnx.save(build(weights, biases, params or {}), path)
    return path
