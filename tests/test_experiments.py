"""The sweep runs variants through DVC's real queue, again and again; results read them back."""

import pytest

from experiments import results, sweep
from experiments.variants import CI, SWEEP, init
from project import dvc, git, make_project


def row(scheme, error, saturated, accuracy=0.5):
    """A results row as `results.collect` returns it."""
    return {
        "params": {"model": {"init": {part: scheme for part in ("weights", "biases")}}, "train": {"learning_rate": 0.5}},
        "metrics": {
            "reports/train.json": {"train_error": error, "saturated_hidden1_initial": saturated},
            "reports/eval.json": {"test_accuracy": accuracy},
        },
    }


UNIFORM_0_1 = {"scheme": "uniform", "uniform": {"low": 0, "high": 1}}
XAVIER = {"scheme": "xavier", "uniform": {"low": -0.5, "high": 0.5}}


def test_every_variant_sets_weights_and_biases_alike_and_names_are_unique():
    assert init("uniform", low=0, high=1) == [
        "model.init.weights.scheme=uniform", "model.init.weights.uniform.low=0", "model.init.weights.uniform.high=1",
        "model.init.biases.scheme=uniform", "model.init.biases.uniform.low=0", "model.init.biases.uniform.high=1",
    ]
    assert len(SWEEP) == 19 and not SWEEP.keys() & CI.keys()


def test_the_table_describes_each_init_and_leaves_missing_metrics_blank():
    table = results.markdown({"stuck": row(UNIFORM_0_1, 0.45, 1.0), "fine": row(XAVIER, 0.05, 0.0)})
    lines = table.splitlines()
    assert lines[0].startswith("| experiment | init (weights, biases) | learning rate | test accuracy |")
    assert lines[2].startswith("| stuck | U[0, 1) | 0.5 | 0.5 | - | 1 |")
    assert lines[3].startswith("| fine | xavier | 0.5 | 0.5 | - | 0 |")


def test_the_check_passes_only_when_the_stuck_run_is_saturated_and_far_behind(capsys):
    results.check_stuck_vs_learning(row(UNIFORM_0_1, 0.45, 1.0), row(XAVIER, 0.1, 0.06))
    assert "is stuck" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="not far apart"):
        results.check_stuck_vs_learning(row(UNIFORM_0_1, 0.45, 1.0), row(XAVIER, 0.3, 0.06))
    with pytest.raises(SystemExit, match="saturated"):
        results.check_stuck_vs_learning(row(UNIFORM_0_1, 0.45, 0.5), row(XAVIER, 0.1, 0.06))


def test_a_sweep_runs_through_the_queue_reports_failures_and_can_run_again(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    monkeypatch.chdir(project)
    failed = sweep.run({"short": ["train.epochs=1"], "broken": ["train.batch_size=0"]}, jobs=2)
    assert failed == ["broken"]
    assert "train.batch_size is 0" in dvc(project, "queue", "logs", "broken").stdout

    # Again, after a commit: the earlier experiments of the same names give way.
    (project / "NOTES").write_text("a new commit\n")
    git(project, "add", "NOTES")
    git(project, "commit", "-qm", "a new baseline")
    assert sweep.run({"short": ["train.epochs=1"], "long": ["train.epochs=2"]}, jobs=2) == []
    rows = results.collect(["short", "long"])
    assert [r["metrics"]["reports/train.json"]["epochs"] for r in rows.values()] == [1, 2]
    names = dvc(project, "exp", "ls", "--all-commits", "--name-only").stdout.split()
    assert sorted(names) == ["long", "short"]
