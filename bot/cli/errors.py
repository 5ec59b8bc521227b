"""How the command line reports a failure: one ``error:`` line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import sys

EXIT_BAD_INPUT = 2


def fail(message: str) -> int:
    """Print ``error: message`` to stderr; return the exit status for bad input or configuration."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def warn(message: str) -> None:
    """Print ``warning: message`` to stderr (the command goes on)."""
    print(f"warning: {message}", file=sys.stderr)
