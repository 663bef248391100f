"""The per-epoch diagnostics measure what they name, and show the [0, 1) start as stuck."""

import numpy as np
import pytest

from model.diagnostics import accuracy, layer_names, measure
from model.init import initialize
from model.losses import one_hot
from model.network import Network

pytestmark = pytest.mark.filterwarnings("error")


def uniform(low, high):
    part = {"scheme": "uniform", "uniform": {"low": low, "high": high}}
    return {"weights": part, "biases": part}


def digits_like(count, rng):
    """Images shaped like MNIST's: 784 pixels in [0, 1], mostly 0, with random labels."""
    images = (rng.random((count, 784)) < 0.2) * rng.random((count, 784))
    return images.astype(np.float32), rng.integers(0, 10, count).astype(np.uint8)


def test_layer_names():
    assert layer_names(1) == ["output"]
    assert layer_names(3) == ["hidden1", "hidden2", "output"]


def test_columns_come_in_report_order():
    rng = np.random.default_rng(0)
    network = Network.from_arrays(*initialize([784, 15, 7, 10], uniform(-0.5, 0.5), rng))
    images, labels = digits_like(50, rng)
    row = measure(network, images, one_hot(labels), images, labels)
    per_layer = [f"{quantity}_{name}" for name in ("hidden1", "hidden2", "output") for quantity in ("saturated", "mean_abs_z", "grad_norm")]
    assert list(row) == ["train_error", "validation_accuracy", *per_layer]
    assert all(isinstance(value, float) for value in row.values())


def test_a_zero_1_start_saturates_the_hidden_layer_and_starves_it_of_gradient():
    rng = np.random.default_rng(0)
    images, labels = digits_like(200, rng)
    stuck, learning = (
        measure(Network.from_arrays(*initialize([784, 15, 10], init, np.random.default_rng(1))), images, one_hot(labels), images, labels)
        for init in (uniform(0, 1), uniform(-0.5, 0.5))
    )
    assert stuck["saturated_hidden1"] > 0.95 and learning["saturated_hidden1"] < 0.5
    assert stuck["mean_abs_z_hidden1"] > 4 * learning["mean_abs_z_hidden1"]
    assert stuck["grad_norm_hidden1"] < learning["grad_norm_hidden1"] / 100


def test_mean_abs_z_saturation_and_gradient_of_a_hand_built_network():
    # Zero weights: every z is its bias. The output's zero weights pass no error back to the hidden layer.
    network = Network.from_arrays(
        weights=[np.zeros((4, 3)), np.zeros((2, 4))],
        biases=[[-10.0, 0.0, 1.0, 10.0], [0.0, -2.0]],
    )
    images = np.random.default_rng(0).random((6, 3))
    row = measure(network, images, one_hot(np.zeros(6, int), 2), images, np.zeros(6, int))
    assert row["mean_abs_z_hidden1"] == pytest.approx(21 / 4)
    assert row["saturated_hidden1"] == pytest.approx(2 / 4)  # |z| = 10 is saturated, 0 and 1 are not
    assert row["mean_abs_z_output"] == pytest.approx(1.0)
    assert row["saturated_output"] == 0.0
    assert row["grad_norm_hidden1"] == 0.0
    assert row["grad_norm_output"] > 0.0
    # Output 0 (sigmoid 0.5) beats output 1 (sigmoid(-2)) for every image, and every label is 0.
    assert row["validation_accuracy"] == 1.0
    assert row["train_error"] == pytest.approx(0.5 * ((1 - 0.5) ** 2 + (1 / (1 + np.exp(2))) ** 2))


def test_accuracy_counts_the_largest_output():
    # Output k is large exactly when input k is: the network reads one-hot images as their index.
    network = Network.from_arrays([10 * np.eye(3) - 5], [np.zeros(3)])
    images = np.eye(3)[[0, 1, 2, 2]]
    assert accuracy(network, images, np.array([0, 1, 2, 2])) == 1.0
    assert accuracy(network, images, np.array([0, 1, 2, 0])) == 0.75
