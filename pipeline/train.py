"""Stage train: fit the network to the training images by mini-batch SGD, epoch by epoch.

Writes artifacts/weights.npz (pipeline/weights.py), reports/epochs.csv (the
diagnostics of every epoch, epoch 0 being the initialization) and
reports/train.json (those of the last epoch, as DVC metrics).
"""

import time
from pathlib import Path

import numpy as np

from model.diagnostics import measure
from model.init import initialize
from model.losses import one_hot
from model.network import Network
from pipeline import prepared, weights
from pipeline.files import write_csv, write_json
from pipeline.params import load
from pipeline.stage import StageError, run

EPOCHS = Path("reports/epochs.csv")
METRICS = Path("reports/train.json")
METRIC_KEYS = ("train_error", "validation_accuracy", "saturated_hidden1", "saturated_output", "mean_abs_z_hidden1")
INITIAL_KEYS = ("saturated_hidden1", "mean_abs_z_hidden1", "grad_norm_hidden1")
CLASSES = 10


def progress(row, seconds, epochs):
    """Print one line for the epoch in `row`."""
    print(
        f"epoch {row['epoch']:>3}/{epochs}  error {row['train_error']:.4f}  "
        f"validation {row['validation_accuracy']:.2%}  hidden1 saturated {row['saturated_hidden1']:.1%}  "
        f"{seconds:.2f} s",
        flush=True,
    )


def diverged(network, row):
    """Whether any diagnostic, weight or bias has overflowed to inf or become NaN."""
    return not np.isfinite(list(row.values())).all() or not all(np.isfinite(p).all() for p in network.weights + network.biases)


def train(params, train_set, validation_set):
    """Train a network as `params` say; return it, one diagnostics row per epoch from 0, and the last epoch's seconds."""
    model, settings = params["model"], params["train"]
    images, labels = train_set
    if settings["diagnostic_sample"] > len(images):
        raise StageError(
            f"train.diagnostic_sample is {settings['diagnostic_sample']} but there are only {len(images)} "
            "training images; lower it in params.yaml"
        )
    # One stream per random choice, so that changing one (say the init) leaves the others as they were.
    init_rng, sample_rng, shuffle_rng = np.random.default_rng(params["seed"]).spawn(3)
    sizes = [images.shape[1], *model["hidden"], CLASSES]
    network = Network.from_arrays(*initialize(sizes, model["init"], init_rng), loss=model["loss"])
    targets = one_hot(labels, CLASSES)
    sample = sample_rng.choice(len(images), settings["diagnostic_sample"], replace=False)
    diagnosed = images[sample], targets[sample], *validation_set
    rows, seconds = [], 0.0
    # Overflow is detected from its result after each epoch, so NumPy's warnings would only repeat it.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(settings["epochs"] + 1):
            if epoch:
                start = time.perf_counter()
                network.train_epoch(images, targets, settings["batch_size"], settings["learning_rate"], shuffle_rng)
                seconds = time.perf_counter() - start
            row = {"epoch": epoch, **measure(network, *diagnosed)}
            if diverged(network, row):
                raise StageError(
                    f"training diverged in epoch {epoch}: weights or weighted inputs overflowed to inf or NaN; "
                    f"try a smaller train.learning_rate than {settings['learning_rate']}"
                )
            rows.append(row)
            progress(row, seconds, settings["epochs"])
    return network, rows, seconds


def main():
    params = load()
    network, rows, seconds = train(params, prepared.load("train"), prepared.load("validation"))
    last = rows[-1]
    weights.save(weights.WEIGHTS, network, params)
    write_csv(EPOCHS, list(last), [row.values() for row in rows])
    metrics = {key: last[key] for key in METRIC_KEYS}
    # The state at initialization is the cause of a stuck run, so it is a metric too.
    initial = {f"{key}_initial": rows[0][key] for key in INITIAL_KEYS}
    write_json(METRICS, metrics | initial | {"epochs": last["epoch"], "seconds_per_epoch": seconds})
    print(f"{weights.WEIGHTS}: a {'-'.join(map(str, network.sizes))} network; {EPOCHS}, {METRICS}")


if __name__ == "__main__":
    run(main, "train")
