"""A feedforward network of sigmoid layers, trained by mini-batch SGD with backpropagation.

Inside, a batch is a matrix with one column per example, as in Nielsen's book,
so that a layer reads z = w a + b. The methods the rest of the pipeline calls
(forward, sgd_step, train_epoch) take one row per example, the layout of the
data files and of ONNX; a transpose between the two is a free view.

Products are np.dot, as in Nielsen's code, rather than @: on matrices this small
np.dot reaches BLAS with less overhead, and for a batch of one, where the weight
gradient is an outer product, @ is several times slower.
"""

import numpy as np

from model.activations import sigmoid, sigmoid_prime
from model.losses import LOSSES


class Network:
    """weights[l] has shape (n_out, n_in): weights[l][j, k] joins input k to unit j. biases[l] has shape (n_out,)."""

    def __init__(self, weights, biases, loss):
        """Use Network.from_arrays, which checks and copies its arguments."""
        self.weights, self.biases, self.loss = weights, biases, loss

    @classmethod
    def from_arrays(cls, weights, biases, loss="quadratic"):
        """A network with copies of these weights and biases, and the loss named `loss`.

        It computes in float64 if any array is float64, else in float32.
        """
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
        weights, biases = [np.asarray(w) for w in weights], [np.asarray(b) for b in biases]
        dtype = np.result_type(np.float32, *weights, *biases)
        weights = [w.astype(dtype) for w in weights]
        biases = [b.astype(dtype) for b in biases]
        if not weights or len(weights) != len(biases):
            raise ValueError(f"{len(weights)} weight arrays and {len(biases)} bias arrays; expected the same number, at least 1")
        n_in = weights[0].shape[1] if weights[0].ndim == 2 else None
        for l, (w, b) in enumerate(zip(weights, biases)):
            if b.ndim != 1 or w.shape != (len(b), n_in):
                raise ValueError(f"layer {l} has weights {w.shape} and biases {b.shape}; expected (n_out, {n_in}) and (n_out,)")
            n_in = len(b)
        return cls(weights, biases, LOSSES[loss])

    @property
    def sizes(self):
        """The number of units in each layer, input first."""
        return [self.weights[0].shape[1]] + [len(b) for b in self.biases]

    def feedforward(self, x):
        """The weighted inputs and activations of every layer, for the batch x (one column per example).

        Returns (zs, activations): zs[l] and activations[l + 1] belong to layer l; activations[0] is x.
        """
        zs, activations = [], [x]
        for w, b in zip(self.weights, self.biases):
            zs.append(np.dot(w, activations[-1]) + b[:, None])
            activations.append(sigmoid(zs[-1]))
        return zs, activations

    def forward(self, x):
        """The output activations for x of shape (N, n_in): shape (N, n_out)."""
        return self.feedforward(x.T)[1][-1].T

    def backprop(self, x, y, scale=1.0):
        """The gradient (nabla_w, nabla_b) of `scale` times the mean loss over the batch x, y (one column per example)."""
        _, activations = self.feedforward(x)
        # Backpropagation is linear in the output error, so scaling it scales every gradient,
        # and costs far less on a mini-batch than scaling the gradients themselves.
        delta = self.loss.delta(activations[-1], y) * (scale / x.shape[1])
        nabla_w, nabla_b = [None] * len(self.weights), [None] * len(self.biases)
        for l in reversed(range(len(self.weights))):
            nabla_w[l] = np.dot(delta, activations[l].T)
            nabla_b[l] = delta.sum(axis=1)
            if l:
                delta = np.dot(self.weights[l].T, delta) * sigmoid_prime(activations[l])
        return nabla_w, nabla_b

    def sgd_step(self, x_batch, y_batch, learning_rate):
        """Move every weight and bias against the gradient of the mean loss over the batch (one row per example)."""
        nabla_w, nabla_b = self.backprop(x_batch.T, y_batch.T, scale=learning_rate)
        for w, nw in zip(self.weights, nabla_w):
            w -= nw
        for b, nb in zip(self.biases, nabla_b):
            b -= nb

    def train_epoch(self, images, targets, batch_size, learning_rate, rng):
        """One pass of SGD over the examples (one row each) in an order shuffled by `rng`."""
        order = rng.permutation(len(images))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            self.sgd_step(images.take(batch, axis=0), targets.take(batch, axis=0), learning_rate)
