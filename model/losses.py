"""The losses: how far an output is from its target, and the error signal it sends back.

As in Nielsen's network2.py, a loss is a class of static methods. Arrays hold
one column per example: z and a are the output layer's weighted inputs and
activations, y the one-hot targets.
"""

import numpy as np

from model.activations import sigmoid_prime, softplus


class Quadratic:
    """Mazur's total error: E = 1/2 * sum_k (t_k - o_k)^2 per example."""

    @staticmethod
    def error(z, a, y):
        """The loss of each example (one value per column)."""
        return 0.5 * np.square(y - a).sum(axis=0)

    @staticmethod
    def delta(a, y):
        """dE/dz at the output layer."""
        return (a - y) * sigmoid_prime(a)


class CrossEntropy:
    """E = -sum_k [t_k ln o_k + (1 - t_k) ln(1 - o_k)] per example, for sigmoid outputs."""

    @staticmethod
    def error(z, a, y):
        """The loss of each example (one value per column)."""
        # From z, not a: ln(a) is -inf once a rounds to 0 or 1, and ln(sigmoid(z)) = -softplus(-z).
        return (y * softplus(-z) + (1 - y) * softplus(z)).sum(axis=0)

    @staticmethod
    def delta(a, y):
        """dE/dz at the output layer: the sigmoid's slope cancels out."""
        return a - y


LOSSES = {"quadratic": Quadratic, "cross_entropy": CrossEntropy}


def one_hot(labels, classes=10, dtype=np.float32):
    """The target vectors for `labels`: one row per label, 1 at the label's index and 0 elsewhere."""
    return np.eye(classes, dtype=dtype)[labels]
