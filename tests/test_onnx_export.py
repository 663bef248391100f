"""The ONNX graph computes what the NumPy network computes; the export stage proves it on the test set."""

import json

import numpy as np
import onnx
import onnxruntime
import pytest

from drawn import forward, random_network
from model import onnx_graph
from model.network import Network
from pipeline import export, prepared
from pipeline.weights import WEIGHTS, save as save_weights
from pipeline.stage import StageError

TEST = prepared.PREPARED / "test.npz"
PARAMS = {"seed": 1, "model": {"hidden": [15], "loss": "quadratic"}}


def run_onnx(model, x):
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"image": np.asarray(x, np.float32)})[0]


@pytest.mark.parametrize("sizes", [[784, 15, 10], [784, 30, 20, 10], [784, 10], [5, 3, 2]])
@pytest.mark.parametrize("batch", [1, 7, 300])
def test_onnxruntime_matches_the_numpy_forward_pass(sizes, batch):
    weights, biases = random_network(sizes, seed=batch)
    x = np.random.default_rng(batch).random((batch, sizes[0]), dtype=np.float32)
    scores = run_onnx(onnx_graph.build(weights, biases, PARAMS), x)
    assert scores.shape == (batch, sizes[-1]) and scores.dtype == np.float32
    np.testing.assert_allclose(scores, forward(weights, biases, x), rtol=0, atol=export.TOLERANCE)


def test_each_layer_is_a_gemm_on_weights_stored_as_they_are_then_a_sigmoid():
    weights, biases = random_network([784, 15, 10])
    model = onnx_graph.build(weights, biases, PARAMS)
    nodes = model.graph.node
    assert [n.op_type for n in nodes] == ["Gemm", "Sigmoid", "Gemm", "Sigmoid"]
    assert [n.name for n in nodes] == ["hidden1_gemm", "hidden1_sigmoid", "output_gemm", "output_sigmoid"]
    assert all(onnx.helper.get_node_attr_value(n, "transB") == 1 for n in nodes if n.op_type == "Gemm")
    stored = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    for l, (w, b) in enumerate(zip(weights, biases)):
        assert stored[f"weights_{l}"].dtype == np.float32
        np.testing.assert_array_equal(stored[f"weights_{l}"], w)   # (n_out, n_in), not transposed
        np.testing.assert_array_equal(stored[f"biases_{l}"], b)


def test_input_and_output_have_a_free_batch_dimension():
    model = onnx_graph.build(*random_network([784, 15, 10]), PARAMS)
    shape = lambda value: [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
    (image,), (scores,) = model.graph.input, model.graph.output
    assert (image.name, shape(image)) == ("image", ["N", 784])
    assert (scores.name, shape(scores)) == ("scores", ["N", 10])


def test_ir_version_and_opset_are_pinned_and_pass_the_full_check(tmp_path):
    path = tmp_path / "model.onnx"
    onnx.save(onnx_graph.build(*random_network([784, 15, 10]), PARAMS), path)
    model = onnx.load(path)
    assert model.ir_version == onnx_graph.IR_VERSION
    assert [(o.domain, o.version) for o in model.opset_import] == [("", onnx_graph.OPSET)]
    onnx.checker.check_model(model, full_check=True)


def test_metadata_records_architecture_params_and_preprocessing():
    model = onnx_graph.build(*random_network([784, 30, 20, 10]), PARAMS)
    metadata = {p.key: p.value for p in model.metadata_props}
    assert json.loads(metadata["sizes"]) == [784, 30, 20, 10]
    assert json.loads(metadata["params"]) == PARAMS
    assert "28x28" in metadata["preprocessing"] and "centre of mass" in metadata["preprocessing"]


# The export stage, in a temporary project folder.

@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder holding weights.npz of a random 784-15-10 network and a test set of 200 images."""
    monkeypatch.chdir(tmp_path)
    weights, biases = random_network([784, 15, 10])
    network = Network.from_arrays(weights=weights, biases=biases)
    save_weights(WEIGHTS, network, PARAMS)
    prepared.PREPARED.mkdir(parents=True)
    images = np.random.default_rng(0).random((200, 784), dtype=np.float32)
    np.savez(TEST, images=images, labels=np.zeros(200, np.uint8))
    return network, images


def test_the_stage_writes_a_model_that_scores_like_the_network_and_reports_parity(project):
    network, images = project
    export.main()
    scores = onnxruntime.InferenceSession(str(export.MODEL), providers=["CPUExecutionProvider"]).run(
        None, {"image": images})[0]
    np.testing.assert_allclose(scores, network.forward(images), rtol=0, atol=1e-5)
    report = json.loads(export.REPORT.read_text())
    assert report["images"] == 200 and report["argmax_agreement"] == 1.0
    assert 0 <= report["max_abs_diff"] <= 1e-5
    assert json.loads({p.key: p.value for p in onnx.load(export.MODEL).metadata_props}["params"]) == PARAMS


def test_the_stage_fails_and_writes_no_model_when_onnxruntime_disagrees(project, monkeypatch):
    build = onnx_graph.build
    off = lambda weights, biases, params: build(weights, [b + 0.01 for b in biases], params)
    monkeypatch.setattr(export, "build", off)
    with pytest.raises(StageError, match="disagrees.*not written"):
        export.main()
    assert not export.MODEL.exists()
    assert json.loads(export.REPORT.read_text())["max_abs_diff"] > 1e-5


def test_a_missing_test_set_is_one_clear_error(project):
    TEST.unlink()
    with pytest.raises(StageError, match="test.npz not found; run `dvc repro prepare`"):
        export.main()
    assert not export.MODEL.exists()


def test_large_weights_widen_the_tolerance_to_the_networks_own_float32_rounding(project):
    # Weights ten times larger amplify rounding: NumPy's float32 scores are themselves
    # further than 1e-5 from float64 ones, and onnxruntime's may differ as much.
    weights, biases = random_network([784, 30, 15, 10])
    network = Network.from_arrays(weights=[10 * w for w in weights], biases=biases)
    save_weights(WEIGHTS, network, PARAMS)
    export.main()
    report = json.loads(export.REPORT.read_text())
    assert report["tolerance"] > 1e-5
    assert report["max_abs_diff"] <= report["tolerance"] and report["argmax_differs_beyond_ties"] == 0
    assert export.MODEL.exists()


def test_a_different_digit_counts_only_beyond_a_tie():
    expected = np.array([[0.5, 0.5 + 1e-7, 0.0], [0.9, 0.1, 0.0]], np.float32)
    flipped_tie = np.array([[0.5 + 1e-7, 0.5, 0.0], [0.9, 0.1, 0.0]], np.float32)
    assert export.parity(expected, flipped_tie, 1e-5)["argmax_differs_beyond_ties"] == 0
    flipped_clear = np.array([[0.5, 0.5 + 1e-7, 0.0], [0.1, 0.9, 0.0]], np.float32)
    report = export.parity(expected, flipped_clear, 1e-5)
    assert report["argmax_differs_beyond_ties"] == 1 and report["argmax_agreement"] == 0.5
