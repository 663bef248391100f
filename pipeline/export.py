"""Stage export: artifacts/weights.npz as artifacts/model.onnx, checked against the NumPy forward pass.

onnxruntime runs the model on the whole test set. Its scores must equal the
network's own forward pass up to float32 rounding and pick the same digit for
every image; otherwise the stage fails and the model is not written. The
comparison goes to reports/export.json either way.

Float32 rounding is 1e-5, or five times the distance of NumPy's own float32
scores from a float64 pass where that is larger: large weights (a deep or
cross-entropy network, say) amplify rounding, and two correct float32
computations then differ by more than 1e-5. A digit may differ only where
NumPy's two best scores are within that rounding of each other: a tie.
"""

from pathlib import Path

import numpy as np
import onnxruntime

from model.network import Network
from model.onnx_graph import INPUT, OUTPUT, build
from pipeline import prepared, weights
from pipeline.files import atomic_path, write_json
from pipeline.stage import StageError, run

MODEL = Path("artifacts/model.onnx")
REPORT = Path("reports/export.json")
TOLERANCE = 1e-5   # float32 rounding of activations in [0, 1], with room to spare
# Two float32 computations may round differently by several times either one's own error;
# an export bug (a transposed weight, a lost bias) differs by far more, around 1e-2 and up.
ROUNDING_FACTOR = 5


def onnx_scores(model, images):
    """What onnxruntime computes from the serialized ONNX `model` for `images`."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT], {INPUT: images})[0]


def rounding(network, images, scores):
    """How far two float32 computations of `network` may differ: TOLERANCE, or ROUNDING_FACTOR times NumPy's own float32 error."""
    exact = Network.from_arrays([w.astype(np.float64) for w in network.weights],
                                [b.astype(np.float64) for b in network.biases])
    return max(TOLERANCE, ROUNDING_FACTOR * float(np.abs(scores - exact.forward(images.astype(np.float64))).max()))


def parity(expected, actual, tolerance):
    """How closely `actual` scores match `expected` ones, within `tolerance`: the export.json metrics."""
    agree = expected.argmax(axis=1) == actual.argmax(axis=1)
    second, best = np.sort(expected, axis=1)[:, -2:].T
    return {
        "max_abs_diff": float(np.abs(expected - actual).max()),
        "tolerance": tolerance,
        "argmax_agreement": float(np.mean(agree)),
        "argmax_differs_beyond_ties": int(np.sum(~agree & (best - second > tolerance))),
        "images": len(expected),
    }


def main():
    network, params = weights.load()
    images, _ = prepared.load("test")
    model = build(network.weights, network.biases, params).SerializeToString()
    scores = network.forward(images)
    report = parity(scores, onnx_scores(model, images), rounding(network, images, scores))
    write_json(REPORT, report)
    if report["max_abs_diff"] > report["tolerance"] or report["argmax_differs_beyond_ties"]:
        raise StageError(
            f"onnxruntime disagrees with the NumPy network on the test set: max abs diff "
            f"{report['max_abs_diff']:.3g} (allowed {report['tolerance']:.3g}), a different digit for "
            f"{report['argmax_differs_beyond_ties']} image(s) beyond ties; {MODEL} was not written; see {REPORT}"
        )
    with atomic_path(MODEL) as temporary:
        temporary.write_bytes(model)
    print(f"{MODEL}: network {'-'.join(map(str, network.sizes))}; onnxruntime matches NumPy on "
          f"{report['images']} test images (max abs diff {report['max_abs_diff']:.1e})")


if __name__ == "__main__":
    run(main, "export")
