"""Initial weights and biases, drawn by the schemes params.yaml names under model.init."""

import numpy as np


def draw(init, shape, fan_in, fan_out, rng):
    """An array of `shape` drawn by the scheme in `init` (model.init.weights or .biases), in float64."""
    scheme = init["scheme"]
    if scheme == "uniform":
        return rng.uniform(init["uniform"]["low"], init["uniform"]["high"], shape)
    if scheme == "normal":
        return rng.normal(init["normal"]["mean"], init["normal"]["std"], shape)
    if scheme == "nielsen":  # Nielsen's book, chapter 3: std 1/sqrt(n_in), so z starts near +-1
        return rng.normal(0, 1 / np.sqrt(fan_in), shape)
    if scheme == "xavier":  # Glorot and Bengio 2010: uniform, variance 2 / (n_in + n_out)
        limit = np.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)
    if scheme == "he":  # He et al. 2015: normal, variance 2 / n_in
        return rng.normal(0, np.sqrt(2 / fan_in), shape)
    if scheme == "zeros":
        return np.zeros(shape)
    raise ValueError(f"unknown initialization scheme {scheme!r}")


def initialize(sizes, init, rng, dtype=np.float32):
    """The (weights, biases) of a network of `sizes`, drawn as `init` (model.init) says.

    The same sizes, init and rng state give bit-identical arrays.
    """
    # Weights and biases draw from streams of their own, so that changing
    # the biases' scheme leaves the weights as they were, and the reverse.
    weights_rng, biases_rng = rng.spawn(2)
    layers = list(zip(sizes[:-1], sizes[1:]))
    weights = [draw(init["weights"], (n_out, n_in), n_in, n_out, weights_rng) for n_in, n_out in layers]
    biases = [draw(init["biases"], (n_out,), n_in, n_out, biases_rng) for n_in, n_out in layers]
    return [w.astype(dtype) for w in weights], [b.astype(dtype) for b in biases]
