"""Run a set of variants as DVC experiments through DVC's own queue, then tabulate them.

    python -m experiments.sweep            # the full sweep (experiments/variants.py), 2 workers
    python -m experiments.sweep --ci       # CI's reduced sweep, then check stuck vs learning

Each variant is queued with `dvc exp run --queue -n NAME -S ...` and the queue is
run with `dvc queue start -j JOBS`. A variant of the same name from an earlier
sweep is removed first, so a sweep can be run again.
"""

import sys
import time

import click

from experiments import results
from experiments.dvccli import dvc
from experiments.variants import CI, SWEEP


def queue_states(names):
    """Map each name in `names` to its state in `dvc queue status` (Queued, Running, Success, Failed)."""
    states = {}
    for line in dvc("queue", "status", capture=True).splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] in names:
            states[fields[1]] = fields[-1]
    return states


def run(variants, jobs):
    """Queue `variants` ({name: overrides}), run them with `jobs` workers, wait; return the failed names."""
    existing = set(dvc("exp", "ls", "--name-only", capture=True).split())
    if stale := sorted(existing & variants.keys()):
        dvc("exp", "remove", *stale)
    for name, overrides in variants.items():
        dvc("exp", "run", "--queue", "-n", name, *[arg for o in overrides for arg in ("-S", o)])
    print(f"sweep: queued {len(variants)} experiments; running them with {jobs} worker(s)", flush=True)
    dvc("queue", "start", "-j", str(jobs))
    started, reported = time.monotonic(), None
    while True:
        states = queue_states(variants.keys())
        finished = [n for n, state in states.items() if state in ("Success", "Failed")]
        if len(finished) != reported:
            elapsed = time.monotonic() - started
            print(f"sweep: {len(finished)}/{len(variants)} finished after {elapsed:.0f} s", flush=True)
            reported = len(finished)
        if len(finished) == len(variants):
            return [n for n in finished if states[n] == "Failed"]
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
