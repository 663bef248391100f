"""The data stages through the real `dvc repro prepare`: an HTTP mirror on 127.0.0.1, no npm, no internet."""

import shutil
import subprocess

import numpy as np
import yaml

from mirror import serve
from project import BIN, ENV, SMALL, make_project

UP_TO_DATE = "Data and pipelines are up to date."


def repro_prepare(project, path):
    """Run `dvc repro prepare` in `project` with only `path` as PATH; return its output."""
    env = ENV | {"PATH": str(path), "no_proxy": "127.0.0.1"}
    done = subprocess.run(
        [str(BIN / "dvc"), "repro", "prepare"], cwd=project, env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_repro_downloads_and_prepares_then_has_nothing_to_do(tmp_path):
    project = make_project(tmp_path)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "git").symlink_to(shutil.which("git"))
    path = f"{BIN}:{tmp_path / 'bin'}"  # this environment's python and dvc, and git; no npm
    params = yaml.safe_load((project / "params.yaml").read_text())
    with serve(tmp_path / "mirror") as (url, requests):
        params["download"]["mirrors"] = [url]
        (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))

        first = repro_prepare(project, path)
        assert "Running stage 'download'" in first and "Running stage 'prepare'" in first
        assert "Running stage 'train'" not in first
        assert sorted(requests) == sorted(f"/{name}.gz" for name in params["download"]["files"])
        sizes = SMALL["prepare"]
        for split, count in (("train", sizes["train_size"]), ("validation", sizes["validation_size"])):
            with np.load(project / f"data/prepared/{split}.npz") as data:
                assert data["images"].shape == (count, 784) and data["labels"].shape == (count,)
        assert {"download", "prepare"} <= set(yaml.safe_load((project / "dvc.lock").read_text())["stages"])

        requests.clear()
        second = repro_prepare(project, path)
        assert UP_TO_DATE in second and "Running stage" not in second
        assert requests == []
