"""params.yaml is refused, with the key and what is allowed, before any work."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline import params as P

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = yaml.safe_load((ROOT / "params.yaml").read_text())


def write(tmp_path, data):
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def changed(path, value):
    """The default params with the dotted key `path` set to `value` (or removed if value is DEL)."""
    data = copy.deepcopy(DEFAULTS)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is DEL:
        del node[last]
    else:
        node[last] = value
    return data


DEL = object()


def test_the_committed_params_are_valid():
    assert P.load(ROOT / "params.yaml") == DEFAULTS


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("model.init.weights.scheme", "xavir", ["model.init.weights.scheme", "'xavir'", "xavier"]),
        ("model.loss", "mse", ["model.loss", "'mse'", "cross_entropy"]),
        ("train.learning_rate", 0, ["train.learning_rate", "0", "> 0"]),
        ("train.learning_rate", "fast", ["train.learning_rate", "'fast'", "a number"]),
        ("train.epochs", 2.5, ["train.epochs", "2.5", "integer"]),
        ("train.batch_size", True, ["train.batch_size", "True", "integer"]),
        ("model.hidden", [15, 0], ["model.hidden", "[15, 0]", "list"]),
        ("model.init.biases.normal.std", -1, ["model.init.biases.normal.std", "-1", "> 0"]),
        ("download.mirrors", ["ftp://x/"], ["download.mirrors", "URL"]),
        ("download.files.t10k-labels-idx1-ubyte.md5", "abc", ["md5", "'abc'", "32 hex"]),
        ("seed", -1, ["seed", "-1", ">= 0"]),
    ],
)
def test_a_bad_value_names_the_key_the_value_and_what_is_allowed(tmp_path, key, value, words):
    with pytest.raises(P.ParamsError) as error:
        P.load(write(tmp_path, changed(key, value)))
    message = str(error.value)
    assert "\n" not in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("key", ["train.learnig_rate", "model.init.weights.uniform.lo", "extra"])
def test_an_unknown_key_is_refused(tmp_path, key):
    with pytest.raises(P.ParamsError, match="unknown key " + key.replace(".", r"\.")):
        P.load(write(tmp_path, changed(key, 1)))


def test_a_missing_key_is_refused(tmp_path):
    with pytest.raises(P.ParamsError, match=r"missing key train\.epochs"):
        P.load(write(tmp_path, changed("train.epochs", DEL)))


def test_values_that_do_not_fit_together_are_refused(tmp_path):
    with pytest.raises(P.ParamsError, match="low 1 >= high 0"):
        P.load(write(tmp_path, changed("model.init.weights.uniform", {"low": 1, "high": 0})))
    with pytest.raises(P.ParamsError, match="diagnostic_sample"):
        P.load(write(tmp_path, changed("prepare.train_size", 10)))


def test_unreadable_and_malformed_files_get_one_line(tmp_path):
    with pytest.raises(P.ParamsError, match="cannot read"):
        P.load(tmp_path / "absent.yaml")
    broken = tmp_path / "params.yaml"
    broken.write_text("train: [unclosed\n")
    with pytest.raises(P.ParamsError, match="not valid YAML"):
        P.load(broken)
    broken.write_text("- a list\n")
    with pytest.raises(P.ParamsError, match="expected a mapping"):
        P.load(broken)


def test_the_command_line_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    path = write(tmp_path, changed("model.loss", "mse"))
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.params", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("params: error:") and "model.loss" in result.stderr
    assert "Traceback" not in result.stderr
