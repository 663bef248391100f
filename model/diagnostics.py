"""What an epoch looks like from inside the network: the error, the accuracy, and per layer
how many units are saturated, how large their weighted inputs are, and how much gradient arrives.

These show why a start in [0, 1) is stuck: nearly every hidden unit is saturated
from the first step, so almost no gradient reaches the hidden weights.
"""

import numpy as np

from model.activations import sigmoid_prime

# sigmoid'(z) < 0.01 where |z| > ~4.6: such a unit passes back less than 4% of the largest slope, 0.25.
SATURATED = 0.01


def layer_names(layers):
    """The report names of a network's layers: hidden1..hiddenN, then output."""
    return [f"hidden{l}" for l in range(1, layers)] + ["output"]


def accuracy(network, images, labels):
    """The fraction of images (one row each) whose largest output is at their label."""
    return float(np.mean(network.forward(images).argmax(axis=1) == labels))


def measure(network, images, targets, validation_images, validation_labels):
    """The diagnostics of one epoch, as a dict in report column order.

    images, targets: the fixed training sample (one row each); the validation set gives the accuracy.
    """
    x, y = images.T, targets.T
    zs, activations = network.feedforward(x)
    nabla_w, _ = network.backprop(x, y)
    row = {
        "train_error": float(network.loss.error(zs[-1], activations[-1], y).mean()),
        "validation_accuracy": accuracy(network, validation_images, validation_labels),
    }
    for name, z, a, nw in zip(layer_names(len(zs)), zs, activations[1:], nabla_w):
        row[f"saturated_{name}"] = float(np.mean(sigmoid_prime(a) < SATURATED))
        row[f"mean_abs_z_{name}"] = float(np.mean(np.abs(z)))
        row[f"grad_norm_{name}"] = float(np.linalg.norm(nw))
    return row
