"""Stage evaluate: the trained network on the test images.

Writes reports/eval.json (test accuracy, test total error, accuracy per digit)
and reports/confusion.csv (actual and predicted digit of every test image).
"""

from pathlib import Path

import numpy as np

from model.losses import one_hot
from pipeline import prepared, weights
from pipeline.files import write_csv, write_json
from pipeline.stage import StageError, run

METRICS = Path("reports/eval.json")
CONFUSION = Path("reports/confusion.csv")


def evaluate(network, images, labels):
    """Return (metrics, predictions) of `network` on images (one row each) with these labels."""
    if images.shape[1] != network.sizes[0]:
        raise StageError(
            f"the test images have {images.shape[1]} pixels but the network takes {network.sizes[0]} inputs; "
            "run `dvc repro` to rebuild both"
        )
    zs, activations = network.feedforward(images.T)
    outputs = activations[-1]
    predictions = outputs.argmax(axis=0)
    error = network.loss.error(zs[-1], outputs, one_hot(labels, len(outputs)).T).mean()
    correct = predictions == labels
    metrics = {
        "test_accuracy": float(correct.mean()),
        "test_error": float(error),
        # None (JSON null) for a digit the test set does not hold.
        "per_class_accuracy": {
            str(digit): float(correct[labels == digit].mean()) if (labels == digit).any() else None
            for digit in range(len(outputs))
        },
    }
    return metrics, predictions


def main():
    network, _ = weights.load()
    images, labels = prepared.load("test")
    metrics, predictions = evaluate(network, images, labels)
    write_json(METRICS, metrics)
    write_csv(CONFUSION, ["actual", "predicted"], zip(labels, predictions))
    print(f"test accuracy {metrics['test_accuracy']:.2%}, total error {metrics['test_error']:.4f} ({len(labels)} images)")


if __name__ == "__main__":
    run(main, "evaluate")
