"""Stage export: artifacts/weights.npz as artifacts/model.onnx, checked against the NumPy forward pass.

onnxruntime runs the model on the whole test set. Its scores must equal the
network's own forward pass up to float32 rounding (max abs diff <= 1e-5) and
pick the same digit for every image; otherwise the stage fails and the model
is not written. The comparison goes to reports/export.json either way.
"""

from pathlib import Path

import numpy as np
import onnxruntime

from model.onnx_graph import INPUT, OUTPUT, build
from pipeline import prepared, weights
from pipeline.files import atomic_path, write_json
from pipeline.stage import StageError, run

MODEL = Path("artifacts/model.onnx")
REPORT = Path("reports/export.json")
TOLERANCE = 1e-5   # float32 rounding of activations in [0, 1], with room to spare


def onnx_scores(model, images):
    """What onnxruntime computes from the serialized ONNX `model` for `images`."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT], {INPUT: images})[0]


def parity(expected, actual):
    """How closely `actual` scores match `expected` ones: the export.json metrics."""
    return {
        "max_abs_diff": float(np.abs(expected - actual).max()),
        "argmax_agreement": float(np.mean(expected.argmax(axis=1) == actual.argmax(axis=1))),
        "images": len(expected),
    }


def main():
    network, params = weights.load()
    images, _ = prepared.load("test")
    model = build(network.weights, network.biases, params).SerializeToString()
    report = parity(network.forward(images), onnx_scores(model, images))
    write_json(REPORT, report)
    if report["max_abs_diff"] > TOLERANCE or report["argmax_agreement"] < 1:
        raise StageError(
            f"onnxruntime disagrees with the NumPy network on the test set: max abs diff "
            f"{report['max_abs_diff']:.3g} (allowed {TOLERANCE}), argmax agreement "
            f"{report['argmax_agreement']:.4%}; {MODEL} was not written; see {REPORT}"
        )
    with atomic_path(MODEL) as temporary:
        temporary.write_bytes(model)
    print(f"{MODEL}: network {'-'.join(map(str, network.sizes))}; onnxruntime matches NumPy on "
          f"{report['images']} test images (max abs diff {report['max_abs_diff']:.1e})")


if __name__ == "__main__":
    run(main, "export")
