"""Run a set of variants as DVC experiments through DVC's own queue, then tabulate them.

    python -m experiments.sweep            # the full sweep (experiments/variants.py), 2 workers
    python -m experiments.sweep --ci       # CI's reduced sweep, then check stuck vs learning

Each variant is queued with `dvc exp run --queue -n NAME -S ...` and the queue is
run with `dvc queue start -j JOBS`. Experiments of the same names from an
earlier sweep, on this commit or another, are removed first, so a sweep can be
run again and each name means one experiment.
"""

import subprocess
import sys
import time

import click

from experiments import results
from experiments.dvccli import dvc
from experiments.variants import CI, SWEEP


def queue_tasks():
    """Map each task id in `dvc queue status` to its (name, state): Queued, Running, Success or Failed."""
    lines = dvc("queue", "status", capture=True).splitlines()
    return {fields[0]: (fields[1], fields[-1]) for fields in map(str.split, lines[1:]) if len(fields) >= 3}


def earlier(names):
    """The refs of earlier experiments named in `names`, from whatever commit they grew."""
    # By ref, not by name: a name is ambiguous once experiments of several commits share it.
    refs = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname)", "refs/exps"], capture_output=True, text=True, check=True
    ).stdout.split()
    return [ref for ref in refs if ref.rsplit("/", 1)[-1] in names]


def run(variants, jobs):
    """Queue `variants` ({name: overrides}), run them with `jobs` workers, wait; return the failed names."""
    if stale := earlier(variants.keys()):
        dvc("exp", "remove", *stale)
    before = queue_tasks().keys()  # a failed task of an earlier sweep may share a name
    for name, overrides in variants.items():
        dvc("exp", "run", "--queue", "-n", name, *[arg for o in overrides for arg in ("-S", o)])
    print(f"sweep: queued {len(variants)} experiments; running them with {jobs} worker(s)", flush=True)
    dvc("queue", "start", "-j", str(jobs))
    started, reported = time.monotonic(), None
    while True:
        tasks = [task for task_id, task in queue_tasks().items() if task_id not in before and task[0] in variants]
        finished = [(name, state) for name, state in tasks if state in ("Success", "Failed")]
        if len(finished) != reported:
            elapsed = time.monotonic() - started
            print(f"sweep: {len(finished)}/{len(variants)} finished after {elapsed:.0f} s", flush=True)
            reported = len(finished)
        if len(finished) == len(variants):
            return [name for name, state in finished if state == "Failed"]
        time.sleep(2)


@click.command()
@click.option("--ci", "reduced", is_flag=True, help="Run CI's two-variant sweep and check they differ.")
@click.option("-j", "--jobs", default=2, show_default=True, help="Queue workers run in parallel.")
def main(reduced, jobs):
    """Run the initialization sweep as DVC experiments and print its results."""
    variants = CI if reduced else SWEEP
    failed = run(variants, jobs)
    if failed:
        for name in failed:
            print(f"sweep: {name} failed; see `dvc queue logs {name}`", file=sys.stderr)
        fallback = " ".join("-S " + o for o in variants[failed[0]])
        sys.exit(
            f"sweep: {len(failed)} experiment(s) failed; to run one in the foreground instead: "
            f"dvc exp run -n {failed[0]} {fallback}"
        )
    rows = results.collect(list(variants))
    print(results.markdown(rows))
    if reduced:
        results.check_stuck_vs_learning(rows["ci-stuck"], rows["ci-learning"])


if __name__ == "__main__":
    main()
