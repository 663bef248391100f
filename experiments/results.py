"""Read the experiments' metrics back from DVC and show them as the README's table.

    python -m experiments.results [NAME...]    # a Markdown table of the named (or all) experiments
"""

import json
import sys

import click

from experiments.dvccli import dvc

# (heading, metrics file, key): the outcome, then the cause, the state at initialization.
COLUMNS = [
    ("test accuracy", "reports/eval.json", "test_accuracy"),
    ("test total error", "reports/eval.json", "test_error"),
    ("hidden saturated at start", "reports/train.json", "saturated_hidden1_initial"),
    ("hidden mean abs z at start", "reports/train.json", "mean_abs_z_hidden1_initial"),
    ("hidden gradient norm at start", "reports/train.json", "grad_norm_hidden1_initial"),
    ("hidden saturated at end", "reports/train.json", "saturated_hidden1"),
]


def collect(names=None):
    """Map each experiment name (all, or those in the list `names`, in its order) to its params and metrics."""
    rows = {}
    for baseline in json.loads(dvc("exp", "show", "--json", capture=True)):
        for experiment in baseline.get("experiments") or []:
            for rev in experiment["revs"]:
                if rev.get("name") and (names is None or rev["name"] in names) and rev.get("data"):
                    data = rev["data"]
                    rows[rev["name"]] = {
                        "params": data["params"]["params.yaml"]["data"],
                        "metrics": {path: m.get("data", {}) for path, m in data["metrics"].items()},
                    }
    if names is not None and (missing := sorted(set(names) - rows.keys())):
        sys.exit(f"results: no finished experiment named {', '.join(missing)}; see `dvc exp show`")
    return rows if names is None else {name: rows[name] for name in names}


def describe_init(params):
    """The weight and bias initialization of `params` in a few words."""
    def one(spec):
        scheme = spec["scheme"]
        if scheme == "uniform":
            return f"U[{spec['uniform']['low']:g}, {spec['uniform']['high']:g})"
        if scheme == "normal":
            return f"N({spec['normal']['mean']:g}, {spec['normal']['std']:g})"
        return scheme
    weights, biases = (one(params["model"]["init"][part]) for part in ("weights", "biases"))
    return weights if weights == biases else f"{weights} / {biases}"


def markdown(rows):
    """A Markdown table: one experiment a row, its init and learning rate, then COLUMNS."""
    header = ["experiment", "init (weights, biases)", "learning rate"] + [c[0] for c in COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, row in rows.items():
        values = [row["metrics"].get(path, {}).get(key) for _, path, key in COLUMNS]
        cells = [name, describe_init(row["params"]), f"{row['params']['train']['learning_rate']:g}"]
        cells += ["-" if v is None else f"{v:.4g}" for v in values]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check_stuck_vs_learning(stuck, learning):
    """Exit non-zero unless `stuck` is saturated with a high error and `learning` is neither."""
    def value(row, key):
        return row["metrics"]["reports/train.json"][key]
    problems = []
    if not value(stuck, "saturated_hidden1_initial") > 0.9:
        problems.append(f"the [0,1) start has {value(stuck, 'saturated_hidden1_initial'):.0%} of hidden units saturated")
    if not value(learning, "saturated_hidden1_initial") < 0.5:
        problems.append(f"the centred start has {value(learning, 'saturated_hidden1_initial'):.0%} of hidden units saturated")
    if not value(stuck, "train_error") > 0.4 > 2 * value(learning, "train_error"):
        problems.append(
            f"total errors {value(stuck, 'train_error'):.3f} (stuck) and "
            f"{value(learning, 'train_error'):.3f} (learning) are not far apart"
        )
    if problems:
        sys.exit("check: " + "; ".join(problems))
    print(
        "check: the [0,1) start is stuck (total error {:.3f}, {:.0%} of hidden units saturated at the start); "
        "the centred start learns (total error {:.3f}, {:.0%} saturated at the start)".format(
            value(stuck, "train_error"), value(stuck, "saturated_hidden1_initial"),
            value(learning, "train_error"), value(learning, "saturated_hidden1_initial"),
        )
    )


@click.command()
@click.argument("names", nargs=-1)
def main(names):
    """Print a Markdown table of the experiments NAMES (default: all)."""
    print(markdown(collect(list(names) or None)))


if __name__ == "__main__":
    main()
