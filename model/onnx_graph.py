"""The network as an ONNX graph: per layer one Gemm then one Sigmoid, in float32.

Input `image` is [N, 784], output `scores` is [N, 10] (the output activations),
with N, the batch size, left free. Initializers and nodes are named after the
layers (weights_0/biases_0 feed `hidden1`, ..., the last feeds `output`), so the
graph reads like weights.npz and the reports.
"""

import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from model.diagnostics import layer_names

# Pinned, not onnx's defaults, which can be newer than a given onnxruntime accepts.
# Opset 13 is where Gemm and Sigmoid took their current definitions; IR 7 is the
# IR version that goes with it. onnxruntime has loaded this pair since 1.7 (1.32
# accepts up to IR 14 and opset 28).
IR_VERSION = 7
OPSET = 13

INPUT = "image"
OUTPUT = "scores"

PREPROCESSING = (
    "image: N rows of 784 float32 pixels, a 28x28 field in row-major order, "
    "0 = background and 1 = ink (light digit on dark ground), as in MNIST: "
    "the digit scaled to fit a 20x20 box keeping its aspect ratio, with anti-aliasing, "
    "then placed so that its centre of mass is at pixel (row 14, column 14) of the 28x28 field."
)


def build(weights, biases, params):
    """The ONNX model computing the network's forward pass, checked and ready to save.

    `weights[l]` is (n_out, n_in) and `biases[l]` is (n_out,); `params` (plain data)
    are recorded in the metadata with the architecture and the preprocessing expected.
    """
    sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    names = layer_names(len(weights))
    initializers, nodes = [], []
    activation = INPUT
    for l, (w, b, name) in enumerate(zip(weights, biases, names)):
        initializers += [
            numpy_helper.from_array(np.asarray(w, np.float32), f"weights_{l}"),
            numpy_helper.from_array(np.asarray(b, np.float32), f"biases_{l}"),
        ]
        z = f"z_{name}"
        # transB=1: Gemm computes a @ w.T + b, so w stays (n_out, n_in) as in Nielsen's book.
        nodes.append(helper.make_node("Gemm", [activation, f"weights_{l}", f"biases_{l}"], [z],
                                      name=f"{name}_gemm", transB=1))
        activation = OUTPUT if name == "output" else f"a_{name}"
        nodes.append(helper.make_node("Sigmoid", [z], [activation], name=f"{name}_sigmoid"))
    graph = helper.make_graph(
        nodes,
        "digitnet",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", sizes[0]])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", sizes[-1]])],
        initializers,
    )
    model = helper.make_model(
        graph,
        ir_version=IR_VERSION,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="digitnet",
        doc_string="Sigmoid network " + "-".join(map(str, sizes)) + "; outputs are sigmoid "
                   "activations (not probabilities), the predicted digit is their argmax.",
    )
    helper.set_model_props(model, {
        "sizes": json.dumps(sizes),
        "params": json.dumps(params, sort_keys=True),
        "preprocessing": PREPROCESSING,
    })
    onnx.checker.check_model(model, full_check=True)
    return model
