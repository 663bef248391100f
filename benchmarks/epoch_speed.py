"""Seconds per training epoch of the params.yaml network on the real training images, at batch sizes 1 and 10.

Run from the project root, after `dvc repro prepare`:

    python -m benchmarks.epoch_speed [--epochs N]

It runs on one core: it limits OpenBLAS (and PyTorch) to one thread itself.
When PyTorch is importable it also trains the same network the same way in
PyTorch, in the same run: same initial weights, same shuffled order, same loss,
plain SGD; and it prints the ratio of the two times.
"""

import os

# Before NumPy or PyTorch loads its BLAS, which reads these once.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse
import statistics
import time

import numpy as np

from model.init import initialize
from model.losses import one_hot
from model.network import Network
from pipeline import prepared
from pipeline.params import load

BATCH_SIZES = (1, 10)


def blas():
    """What BLAS NumPy runs on, as far as this environment can tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} (install threadpoolctl to see the kernel)"
    return "; ".join(
        f"{pool['internal_api']} {pool.get('version')} {pool.get('architecture', '')} kernel, {pool['num_threads']} thread(s)"
        for pool in threadpool_info()
        if pool["user_api"] == "blas"
    )


def timed(epoch, epochs):
    """Call `epoch()` `epochs` times; return the seconds of each call."""
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        seconds.append(time.perf_counter() - start)
    return seconds


def torch_twin(network, loss_name):
    """The same network in PyTorch, idiomatically: nn.Linear layers and sigmoids, a loss on the output, optim.SGD."""
    import torch
    from torch import nn

    layers = []
    for w, b in zip(network.weights, network.biases):
        linear = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, nn.Sigmoid()]
    model = nn.Sequential(*layers[:-1])  # outputs z; each loss applies the last sigmoid its own way

    def loss(z, y):
        """The mean over the batch of each example's loss, as model/losses.py defines them."""
        if loss_name == "cross_entropy":
            return nn.functional.binary_cross_entropy_with_logits(z, y, reduction="sum") / len(y)
        return 0.5 * (torch.sigmoid(z) - y).square().sum() / len(y)

    return model, loss


def torch_epoch(model, loss, optimizer, images, targets, batch_size, rng):
    """One epoch of SGD in PyTorch, in the order `rng` shuffles (as Network.train_epoch does)."""
    import torch

    order = torch.from_numpy(rng.permutation(len(images)))
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        optimizer.zero_grad()
        loss(model(images[batch]), targets[batch]).backward()
        optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs timed per batch size (the best is reported)")
    epochs = parser.parse_args().epochs
    params = load()
    model, learning_rate = params["model"], params["train"]["learning_rate"]
    images, labels = prepared.load("train")
    targets = one_hot(labels)
    sizes = [images.shape[1], *model["hidden"], 10]
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(1)
        torch_images, torch_targets = torch.from_numpy(images), torch.from_numpy(targets)

    print(f"BLAS: {blas()}")
    print(f"{'-'.join(map(str, sizes))} network, {model['loss']} loss, learning rate {learning_rate}, "
          f"{len(images)} images; seconds per epoch, best (median) of {epochs}")
    print(f"{'batch':>5}  {'numpy':>15}  {'torch':>15}  {'torch/numpy':>11}  {'validation accuracy numpy / torch'}")
    validation = prepared.load("validation")
    for batch_size in BATCH_SIZES:
        network = Network.from_arrays(*initialize(sizes, model["init"], np.random.default_rng(params["seed"])), loss=model["loss"])
        # Two generators in the same state, so that both libraries see the same order of examples.
        numpy_rng, torch_rng = np.random.default_rng(params["seed"]), np.random.default_rng(params["seed"])
        line = f"{batch_size:>5}"
        if torch:
            twin, loss = torch_twin(network, model["loss"])
            optimizer = torch.optim.SGD(twin.parameters(), lr=learning_rate)
        ours = timed(lambda: network.train_epoch(images, targets, batch_size, learning_rate, numpy_rng), epochs)
        line += f"  {min(ours):>7.3f} ({statistics.median(ours):.3f})"
        accuracy = f"{np.mean(network.forward(validation[0]).argmax(axis=1) == validation[1]):.2%}"
        if torch:
            theirs = timed(lambda: torch_epoch(twin, loss, optimizer, torch_images, torch_targets, batch_size, torch_rng), epochs)
            with torch.no_grad():
                predicted = twin(torch.from_numpy(validation[0])).argmax(dim=1).numpy()
            accuracy += f" / {np.mean(predicted == validation[1]):.2%}"
            line += f"  {min(theirs):>7.3f} ({statistics.median(theirs):.3f})  {min(theirs) / min(ours):>11.1f}"
        else:
            line += f"  {'(no torch)':>15}  {'':>11}"
        print(f"{line}  {accuracy}", flush=True)


if __name__ == "__main__":
    main()
