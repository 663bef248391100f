"""The whole pipeline through the real `dvc repro` and `dvc exp run`, on generated MNIST."""

import json

import numpy as np
import pytest

from project import dvc, git, make_project

UP_TO_DATE = "Data and pipelines are up to date."


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project copy on which `dvc repro` has run once."""
    project = make_project(tmp_path_factory.mktemp("repro"))
    dvc(project, "repro")
    return project


def read_json(path):
    return json.loads(path.read_text())


def test_repro_runs_every_stage_and_writes_every_output(project):
    assert sorted(p.name for p in (project / "data/raw").iterdir()) == [
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    ]
    for split, count in (("train", 500), ("validation", 100), ("test", 100)):
        with np.load(project / f"data/prepared/{split}.npz") as data:
            assert data["images"].shape == (count, 784)
    assert (project / "artifacts/model.onnx").stat().st_size > 0
    # The synthetic digits are learnable: three epochs are far above chance (0.1).
    assert read_json(project / "reports/eval.json")["test_accuracy"] > 0.5
    export = read_json(project / "reports/export.json")
    assert export["max_abs_diff"] <= 1e-5 and export["argmax_agreement"] == 1.0
    epochs = (project / "reports/epochs.csv").read_text().splitlines()
    assert epochs[0].startswith("epoch,train_error,validation_accuracy,saturated_hidden1")
    assert len(epochs) == 1 + 4  # header, initialization, three epochs


def test_a_second_repro_has_nothing_to_do(project):
    assert UP_TO_DATE in dvc(project, "repro").stdout


def test_changing_a_training_param_reruns_training_but_not_the_data_stages(project):
    log = dvc(project, "exp", "run", "-S", "train.learning_rate=1.0").stdout
    assert "Running stage 'train'" in log and "Running stage 'export'" in log
    assert "Running stage 'download'" not in log and "Running stage 'prepare'" not in log
    git(project, "checkout", "--", "params.yaml")


@pytest.mark.parametrize(
    "override, expected",
    [
        ("+train.learnig_rate=0.1", "unknown key train.learnig_rate"),
        ("model.init.weights.scheme=xavir", "model.init.weights.scheme is 'xavir'"),
        ("train.batch_size=0", "train.batch_size is 0"),
    ],
)
def test_exp_run_refuses_a_misspelt_key_or_a_bad_value_and_keeps_the_outputs(project, override, expected):
    kept = ("artifacts/weights.npz", "reports/train.json", "reports/epochs.csv")
    before = {path: (project / path).read_bytes() for path in kept}
    done = dvc(project, "exp", "run", "-S", override, check=False)
    assert done.returncode != 0
    assert expected in done.stdout + done.stderr
    assert {path: (project / path).read_bytes() for path in kept} == before
    git(project, "checkout", "--", "params.yaml")


def test_exp_run_varies_nested_keys_and_lists(project):
    dvc(project, "exp", "run", "-n", "deep-xent", "-S", "model.hidden=[12,8]", "-S", "model.loss=cross_entropy",
        "-S", "model.init.weights.scheme=xavier", "-S", "model.init.biases.scheme=zeros")
    with np.load(project / "artifacts/weights.npz") as weights:
        assert list(weights["sizes"]) == [784, 12, 8, 10]
    assert "saturated_hidden2" in (project / "reports/epochs.csv").read_text().splitlines()[0]
    shown = json.loads(dvc(project, "exp", "show", "--json").stdout)
    names = [rev["name"] for base in shown for exp in base.get("experiments") or [] for rev in exp["revs"]]
    assert "deep-xent" in names
    git(project, "checkout", "--", "params.yaml")
