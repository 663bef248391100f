"""Two machines share data, models and experiments through a DVC remote in a local folder."""

import json

from project import dvc, git, make_project, run


def test_push_and_pull_share_outputs_and_experiments(tmp_path):
    project = make_project(tmp_path)
    origin, storage, other = tmp_path / "origin.git", tmp_path / "storage", tmp_path / "other"
    run(tmp_path, "git", "init", "-q", "--bare", str(origin))
    dvc(project, "repro")
    dvc(project, "remote", "add", "--default", "shared", str(storage))
    git(project, "add", "-A")
    git(project, "commit", "-qm", "pipeline run, shared remote")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "-q", "origin", "HEAD:main")
    dvc(project, "push")
    shared = ("artifacts/weights.npz", "artifacts/model.onnx", "data/prepared/test.npz")
    pushed = {output: (project / output).read_bytes() for output in shared}
    dvc(project, "exp", "run", "-n", "faster", "-S", "train.learning_rate=2.0")
    dvc(project, "exp", "push", "origin", "faster")

    # The other machine: a clone of the git repository, and the data from the remote.
    run(tmp_path, "git", "clone", "-q", "--branch", "main", str(origin), str(other))
    dvc(other, "pull")
    for output in shared:
        assert (other / output).read_bytes() == pushed[output]
    dvc(other, "exp", "pull", "origin", "faster")
    shown = json.loads(dvc(other, "exp", "show", "--json").stdout)
    names = [rev["name"] for base in shown for exp in base.get("experiments") or [] for rev in exp["revs"]]
    assert "faster" in names
    dvc(other, "exp", "apply", "faster")
    assert "learning_rate: 2.0" in (other / "params.yaml").read_text()
    # exp apply checks out the experiment's own weights, which exp pull fetched.
    weights = (other / "artifacts/weights.npz").read_bytes()
    assert weights == (project / "artifacts/weights.npz").read_bytes() != pushed["artifacts/weights.npz"]
