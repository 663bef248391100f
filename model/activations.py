"""The sigmoid, the activation of every unit, hidden and output."""

import numpy as np

# Constants as 0-d float32 arrays rather than Python floats: NumPy converts a Python float on
# every call, which on a mini-batch costs as much as the arithmetic. They keep float32 float32
# and float64 float64.
HALF = np.array(0.5, dtype=np.float32)
ONE = np.array(1, dtype=np.float32)


def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), elementwise."""
    # The same function written with tanh, which never overflows: e^-z does for z < -88 in float32.
    return HALF + HALF * np.tanh(HALF * z)


def sigmoid_prime(a):
    """The sigmoid's derivative sigmoid'(z), given the activation a = sigmoid(z)."""
    return a * (ONE - a)


def softplus(z):
    """ln(1 + e^z), elementwise, without overflow; -softplus(-z) is ln(sigmoid(z))."""
    return np.logaddexp(0, z)
