"""A temporary copy of this project as a git + DVC repository of its own, on generated MNIST.

The copy's params point its download stage at a file:// mirror of a small
synthetic digit set (tests/idxdata.py), sized so that every stage runs in seconds.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from idxdata import write_dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOURCES = ["pipeline", "model", "experiments", "dvc.yaml", "params.yaml", ".dvc/config", ".gitignore"]
# A PATH of this environment (python, dvc) and git alone: no npm, so no test reaches a registry.
GIT_ONLY = Path(tempfile.mkdtemp(prefix="digitnet-git-"))
(GIT_ONLY / "git").symlink_to(shutil.which("git"))
ENV = os.environ | {
    "PATH": f"{BIN}{os.pathsep}{GIT_ONLY}",
    "no_proxy": "127.0.0.1",
    "DVC_NO_ANALYTICS": "1",
    **{f"GIT_{role}_{field}": value for role in ("AUTHOR", "COMMITTER")
       for field, value in (("NAME", "test"), ("EMAIL", "test@localhost"))},
}

SMALL = {
    "prepare": {"validation_size": 100, "train_size": 500},
    "train": {"epochs": 3, "batch_size": 10, "diagnostic_sample": 200},
}


def run(cwd, *command, check=True):
    """Run `command` in `cwd` with this environment; return the completed process (text output)."""
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def dvc(cwd, *args, check=True):
    return run(cwd, str(BIN / "dvc"), *args, check=check)


def git(cwd, *args):
    return run(cwd, "git", *args)


def make_project(folder):
    """Copy the project into `folder/project`, point it at a generated MNIST mirror, commit; return its path."""
    project, mirror = Path(folder) / "project", Path(folder) / "mirror"
    table = write_dataset(mirror, train=600, test=100, compress=True)
    for source in SOURCES:
        target = project / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / source, target)
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["download"] |= {"mirrors": [mirror.as_uri() + "/"], "files": table}
    for section, values in SMALL.items():
        params[section] |= values
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "project")
    return project
