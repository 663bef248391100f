"""The network against hand-worked numbers, finite differences, and a small problem it must learn."""

import numpy as np
import pytest

from model.activations import sigmoid
from model.init import initialize
from model.losses import LOSSES, CrossEntropy, Quadratic
from model.network import Network

pytestmark = pytest.mark.filterwarnings("error")  # no NumPy warning may escape


def mazur():
    """Matt Mazur's "A Step by Step Backpropagation Example": a 2-2-2 network, its input and target."""
    network = Network.from_arrays(
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[[0.35, 0.35], [0.60, 0.60]],
    )
    return network, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def mean_error(network, x, y):
    """The mean loss per example over x, y (one row per example)."""
    zs, activations = network.feedforward(x.T)
    return network.loss.error(zs[-1], activations[-1], y.T).mean()


def test_mazur_forward_pass_and_total_error():
    network, x, y = mazur()
    np.testing.assert_allclose(network.forward(x), [[0.75136507, 0.772928465]], atol=1e-9)
    assert mean_error(network, x, y) == pytest.approx(0.298371109, abs=1e-9)


def test_mazur_weights_after_one_step():
    network, x, y = mazur()
    network.sgd_step(x, y, learning_rate=0.5)
    (w1, w2, w3, w4), (w5, w6, w7, w8) = network.weights[0].ravel(), network.weights[1].ravel()
    np.testing.assert_allclose([w5, w6, w7, w8], [0.35891648, 0.408666186, 0.511301270, 0.561370121], atol=1e-8)
    np.testing.assert_allclose([w1, w2, w3, w4], [0.149780716, 0.19956143, 0.24975114, 0.29950229], atol=1e-8)
    assert mean_error(network, x, y) < 0.298371109


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("sizes", [[4, 5, 3], [3, 6, 4, 2]])
def test_backprop_matches_finite_differences(loss, sizes):
    rng = np.random.default_rng(7)
    weights = [rng.normal(0, 1, (n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 1, n_out) for n_out in sizes[1:]]
    network = Network.from_arrays(weights, biases, loss=loss)
    x, y = rng.random((5, sizes[0])), rng.random((5, sizes[-1]))
    nabla_w, nabla_b = network.backprop(x.T, y.T)
    eps = 1e-6
    for analytic, parameters in zip(nabla_w + nabla_b, network.weights + network.biases):
        numeric = np.zeros_like(parameters)
        for index in np.ndindex(parameters.shape):
            saved = parameters[index]
            parameters[index] = saved + eps
            above = mean_error(network, x, y)
            parameters[index] = saved - eps
            below = mean_error(network, x, y)
            parameters[index] = saved
            numeric[index] = (above - below) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-9)


def test_a_mini_batch_step_averages_the_examples_gradients():
    rng = np.random.default_rng(3)
    network = Network.from_arrays(*initialize([3, 4, 2], NIELSEN, rng, dtype=np.float64))
    x, y = rng.random((3, 2)), rng.random((2, 2))
    together = network.backprop(x, y)
    alone = [network.backprop(x[:, [k]], y[:, [k]]) for k in range(2)]
    for l in range(2):
        for part in (0, 1):  # nabla_w, nabla_b
            np.testing.assert_allclose(together[part][l], (alone[0][part][l] + alone[1][part][l]) / 2)


NIELSEN = {"weights": {"scheme": "nielsen"}, "biases": {"scheme": "nielsen"}}
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_a_small_network_learns_xor(loss):
    network = Network.from_arrays(*initialize([2, 4, 1], NIELSEN, np.random.default_rng(0)), loss=loss)
    for _ in range(4000):
        network.sgd_step(XOR_X, XOR_Y, learning_rate=2.0)
    outputs = network.forward(XOR_X)
    np.testing.assert_array_equal(outputs.round(), XOR_Y)
    assert np.abs(outputs - XOR_Y).max() < 0.2


def test_an_epoch_visits_every_example_once_in_mini_batches():
    # With a learning rate of zero nothing moves, so count the examples each step sees instead.
    network = Network.from_arrays(*initialize([3, 2, 2], NIELSEN, np.random.default_rng(0)))
    seen = []
    network.sgd_step = lambda x, y, learning_rate: seen.append(x[:, 0].copy())
    images = np.arange(7 * 3, dtype=np.float32).reshape(7, 3)
    network.train_epoch(images, np.zeros((7, 2), np.float32), 3, 0.5, np.random.default_rng(0))
    assert [len(batch) for batch in seen] == [3, 3, 1]
    assert sorted(np.concatenate(seen)) == sorted(images[:, 0])


def test_float32_in_float32_out_and_float64_kept():
    rng = np.random.default_rng(0)
    weights, biases = initialize([6, 5, 3], NIELSEN, rng)
    network = Network.from_arrays(weights, biases)
    assert network.forward(rng.random((4, 6), dtype=np.float32)).dtype == np.float32
    assert network.sizes == [6, 5, 3]
    wide = Network.from_arrays([w.astype(np.float64) for w in weights], biases)
    assert all(w.dtype == np.float64 for w in wide.weights + wide.biases)
    assert wide.forward(np.zeros((2, 6))).shape == (2, 3)


def test_from_arrays_copies_its_arguments():
    weights, biases = [np.ones((2, 3), np.float32)], [np.zeros(2, np.float32)]
    network = Network.from_arrays(weights, biases)
    network.sgd_step(np.ones((1, 3), np.float32), np.ones((1, 2), np.float32), 1.0)
    assert (weights[0] == 1).all() and (biases[0] == 0).all()
    assert (network.weights[0] > 1).all()


@pytest.mark.parametrize(
    "weights, biases, loss, words",
    [
        ([np.ones((2, 3))], [np.ones(3)], "quadratic", "layer 0"),
        ([np.ones((2, 3)), np.ones((1, 3))], [np.ones(2), np.ones(1)], "quadratic", "layer 1"),
        ([np.ones((2, 3))], [], "quadratic", "1 weight arrays and 0 bias arrays"),
        ([np.ones(3)], [np.ones(3)], "quadratic", "layer 0"),
        ([np.ones((2, 3))], [np.ones(2)], "hinge", "unknown loss 'hinge'"),
    ],
)
def test_from_arrays_refuses_shapes_that_do_not_chain(weights, biases, loss, words):
    with pytest.raises(ValueError, match=words):
        Network.from_arrays(weights, biases, loss=loss)


def test_sigmoid_is_stable_and_exact_at_the_extremes():
    z = np.array([-1e30, -1000, -100, 0, 100, 1000, 1e30, np.inf, -np.inf], dtype=np.float32)
    np.testing.assert_array_equal(sigmoid(z), [0, 0, 0, 0.5, 1, 1, 1, 1, 0])
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-16)


def test_losses_stay_finite_on_saturated_outputs():
    z = np.array([[-200.0], [200.0]], dtype=np.float32)
    a = sigmoid(z)  # rounds to exactly 0 and 1
    y = np.array([[1.0], [0.0]], dtype=np.float32)
    # Both outputs are confidently wrong: cross-entropy costs about |z| each, quadratic 1/2 each.
    assert CrossEntropy.error(z, a, y) == pytest.approx([400.0])
    assert Quadratic.error(z, a, y) == pytest.approx([1.0])
