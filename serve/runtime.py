"""The exported network, run by onnxruntime on the CPU."""

from pathlib import Path

INPUT, OUTPUT = "image", "scores"   # the graph's names, fixed by model/onnx_graph.py
PIXELS, DIGITS = 784, 10


class ModelError(Exception):
    """The model file is missing or is not a digitnet ONNX model; the message says which."""


def load(path):
    """An onnxruntime session for the model at `path`, or ModelError saying why there is none."""
    # Imported here, not at the top, so that `predict --help` starts instantly.
    import onnxruntime

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file; run `dvc repro export`, "
                         "or pass --model or set DIGITNET_MODEL")
    onnxruntime.set_default_logger_severity(3)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3   # errors only: no warnings on a user's terminal
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime has one exception type per failure, none public
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelError(f"{path}: not a loadable ONNX model ({reason})") from None
    inputs, outputs = session.get_inputs(), session.get_outputs()
    if [(i.name, i.shape[1:]) for i in inputs] != [(INPUT, [PIXELS])] or \
            [(o.name, o.shape[1:]) for o in outputs] != [(OUTPUT, [DIGITS])]:
        raise ModelError(f"{path}: not a digitnet model (expected input {INPUT} [N, {PIXELS}] "
                         f"and output {OUTPUT} [N, {DIGITS}])")
    return session


def scores(session, images):
    """The network's ten output activations for each row of `images` (N, 784) float32."""
    return session.run([OUTPUT], {INPUT: images})[0]
