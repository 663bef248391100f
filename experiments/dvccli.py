"""Running the `dvc` command line of this environment."""

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
# Stages run `python` from the PATH; it must be this environment's, in queue workers too.
ENV = os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "DVC_NO_ANALYTICS": "1"}


def dvc(*args, capture=False):
    """Run `dvc ARGS`; return its stdout when `capture`; exit with its last error line on failure."""
    done = subprocess.run(
        [str(BIN / "dvc"), *args], env=ENV, text=True, capture_output=True, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        sys.exit(f"`dvc {' '.join(args[:2])}` failed: {lines[-1] if lines else done.returncode}")
    return done.stdout if capture else None
