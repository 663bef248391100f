"""How a stage reports failure: one line on stderr and a non-zero exit, never a traceback."""

import sys


class StageError(Exception):
    """A failure the user can act on; its message says what, where, and what to do."""


def run(main, name):
    """Call `main()`; turn a StageError or Ctrl-C into one line and an exit status."""
    try:
        main()
    except StageError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"{name}: interrupted; nothing half-written was kept", file=sys.stderr)
        sys.exit(130)
