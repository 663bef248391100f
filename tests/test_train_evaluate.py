"""The train and evaluate stages end to end, on a small generated data set that can be learned."""

import copy
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from pipeline import evaluate, train, weights
from pipeline.stage import StageError

pytestmark = pytest.mark.filterwarnings("error")

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = yaml.safe_load((ROOT / "params.yaml").read_text())
SPLITS = {"train": 600, "validation": 150, "test": 150}
SMALL = {"prepare": {"train_size": 600}, "train": {"epochs": 3, "diagnostic_sample": 100}}
LAYERS = ["hidden1", "output"]


def write_digits(folder, seed=0):
    """Write data/prepared/*.npz under `folder`: each digit a fixed random pattern of ink, plus noise."""
    rng = np.random.default_rng(seed)
    patterns = rng.random((10, 784)) < 0.15
    for split, count in SPLITS.items():
        labels = rng.integers(0, 10, count).astype(np.uint8)
        images = np.clip(patterns[labels] * rng.uniform(0.5, 1, (count, 784)) + 0.2 * rng.random((count, 784)), 0, 1)
        path = folder / "data" / "prepared" / f"{split}.npz"
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, images=images.astype(np.float32), labels=labels)


def with_changes(*changes):
    """The default params with SMALL applied, then each (dotted key, value) change."""
    params = copy.deepcopy(DEFAULTS)
    for section, values in SMALL.items():
        params[section] |= values
    for key, value in changes:
        *parents, last = key.split(".")
        node = params
        for parent in parents:
            node = node[parent]
        node[last] = value
    return params


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with generated prepared data and small params, as the working directory."""
    write_digits(tmp_path)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(with_changes()))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def read_csv(path):
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    return list(rows[0]), rows


def test_train_then_evaluate_writes_sensible_reports(project, capsys):
    train.main()
    evaluate.main()

    header, epochs = read_csv("reports/epochs.csv")
    per_layer = [f"{quantity}_{name}" for name in LAYERS for quantity in ("saturated", "mean_abs_z", "grad_norm")]
    assert header == ["epoch", "train_error", "validation_accuracy", *per_layer]
    assert [row["epoch"] for row in epochs] == ["0", "1", "2", "3"]
    errors = [float(row["train_error"]) for row in epochs]
    assert errors[-1] < errors[0] / 2
    assert all(0 <= float(row[f"saturated_{name}"]) <= 1 for row in epochs for name in LAYERS)

    metrics = json.loads(Path("reports/train.json").read_text())
    assert set(metrics) == {"train_error", "validation_accuracy", "saturated_hidden1", "saturated_output",
                            "mean_abs_z_hidden1", "epochs", "seconds_per_epoch", "saturated_hidden1_initial",
                            "mean_abs_z_hidden1_initial", "grad_norm_hidden1_initial"}
    assert metrics["saturated_hidden1_initial"] == pytest.approx(float(epochs[0]["saturated_hidden1"]))
    assert metrics["epochs"] == 3 and metrics["seconds_per_epoch"] > 0
    assert metrics["train_error"] == pytest.approx(errors[-1])
    assert metrics["validation_accuracy"] > 0.8  # chance is 0.1

    network, params = weights.load()
    assert network.sizes == [784, 15, 10]
    assert params == yaml.safe_load(Path("params.yaml").read_text())

    results = json.loads(Path("reports/eval.json").read_text())
    assert set(results) == {"test_accuracy", "test_error", "per_class_accuracy"}
    assert list(results["per_class_accuracy"]) == [str(digit) for digit in range(10)]
    assert results["test_accuracy"] > 0.8
    assert 0 < results["test_error"] < errors[0]

    header, confusion = read_csv("reports/confusion.csv")
    test = np.load("data/prepared/test.npz")
    assert header == ["actual", "predicted"]
    assert [int(row["actual"]) for row in confusion] == test["labels"].tolist()
    right = [row["actual"] == row["predicted"] for row in confusion]
    assert results["test_accuracy"] == pytest.approx(np.mean(right))
    for digit, value in results["per_class_accuracy"].items():
        of_digit = [ok for ok, row in zip(right, confusion) if row["actual"] == digit]
        assert value == pytest.approx(np.mean(of_digit))

    shown = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in shown if line.startswith("epoch")] == ["0/3", "1/3", "2/3", "3/3"]


def test_same_params_and_seed_give_bit_identical_training(project):
    params = with_changes()
    data = [np.load(f"data/prepared/{split}.npz") for split in ("train", "validation")]
    sets = [(d["images"], d["labels"]) for d in data]
    first, again, reseeded = (train.train(p, *sets) for p in (params, params, with_changes(("seed", 2))))
    for a, b, c in zip(first[0].weights + first[0].biases, again[0].weights + again[0].biases,
                       reseeded[0].weights + reseeded[0].biases):
        assert a.tobytes() == b.tobytes()
        assert not np.array_equal(a, c)
    assert first[1] == again[1]


def test_a_zero_1_start_stays_stuck(project):
    part = {"scheme": "uniform", "uniform": {"low": 0, "high": 1}, "normal": {"mean": 0.0, "std": 1.0}}
    params = with_changes(("model.init.weights", part), ("model.init.biases", part))
    data = [np.load(f"data/prepared/{split}.npz") for split in ("train", "validation")]
    _, rows, _ = train.train(params, *[(d["images"], d["labels"]) for d in data])
    assert all(row["saturated_hidden1"] > 0.95 for row in rows)
    assert rows[-1]["validation_accuracy"] < 0.3
    assert rows[-1]["train_error"] > 0.4


def stage(module, cwd):
    """Run `python -m pipeline.<module>` in `cwd`; return the completed process."""
    return subprocess.run([sys.executable, "-m", f"pipeline.{module}"], cwd=cwd, capture_output=True, text=True,
                          env=os.environ | {"PYTHONPATH": str(ROOT)})


def test_a_diverged_run_stops_with_one_line_and_writes_nothing(project):
    # A sigmoid network's gradients are bounded, so only a step beyond float32's range (3.4e38) overflows.
    (project / "params.yaml").write_text(yaml.safe_dump(with_changes(("train.learning_rate", 1e40))))
    done = stage("train", project)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr and "Warning" not in done.stderr
    assert "train: error: training diverged in epoch 1" in done.stderr
    assert "smaller train.learning_rate" in done.stderr
    assert not (project / "artifacts").exists() and not (project / "reports").exists()


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("model.hidden", [15, 0], ["model.hidden", "[15, 0]"]),
        ("model.hidden", 15, ["model.hidden", "a list"]),
        ("model.loss", "hinge", ["model.loss", "'hinge'", "quadratic", "cross_entropy"]),
        ("model.init.biases.scheme", "glorot", ["model.init.biases.scheme", "xavier"]),
        ("model.init.weights.normal.std", 0, ["model.init.weights.normal.std", "> 0"]),
        ("model.init.weights.uniform", {"low": 1, "high": 0}, ["model.init.weights.uniform", "low must be below high"]),
        ("model.init.weights.fan", "in", ["unknown key model.init.weights.fan"]),
        ("train.learning_rate", -0.5, ["train.learning_rate", "> 0"]),
        ("train.epochs", 2.5, ["train.epochs", "an integer"]),
        ("train.batch_size", 0, ["train.batch_size", ">= 1"]),
        ("train.diagnostic_sample", 601, ["train.diagnostic_sample", "prepare.train_size"]),
        ("train.momentum", 0.9, ["unknown key train.momentum"]),
    ],
)
def test_bad_model_and_train_params_stop_before_any_work(project, key, value, words):
    (project / "params.yaml").write_text(yaml.safe_dump(with_changes((key, value))))
    with pytest.raises(StageError) as raised:
        train.main()
    assert all(word in str(raised.value) for word in words), str(raised.value)
    assert not Path("artifacts").exists() and not Path("reports").exists()


def test_a_diagnostic_sample_larger_than_the_data_is_refused(project):
    (project / "params.yaml").write_text(yaml.safe_dump(with_changes(("prepare.train_size", 5000), ("train.diagnostic_sample", 1000))))
    with pytest.raises(StageError, match="train.diagnostic_sample is 1000 but there are only 600 training images"):
        train.main()


def test_missing_inputs_are_named_with_the_stage_to_run(project):
    done = stage("evaluate", project)
    assert done.returncode == 1
    assert done.stderr == "evaluate: error: artifacts/weights.npz not found; run `dvc repro train` first\n"
    (project / "data" / "prepared" / "train.npz").unlink()
    done = stage("train", project)
    assert done.stderr == "train: error: data/prepared/train.npz not found; run `dvc repro prepare` first\n"


def test_a_damaged_weights_file_is_refused(project):
    train.main()
    path = Path("artifacts/weights.npz")
    stored = dict(np.load(path))
    del stored["biases_1"]
    np.savez(path, **stored)
    with pytest.raises(StageError, match="not a weights file written by the train stage.*biases_1"):
        weights.load()
    path.write_text("not a zip file")
    with pytest.raises(StageError, match="not a weights file"):
        evaluate.main()
