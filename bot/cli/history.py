"""Line editing and history for the offline console, through the standard ``readline`` module.

``readline`` is absent on Windows and does nothing useful without a terminal, so it is only imported when both
stdin and stdout are terminals. History lives in the user's data directory, never in the working directory.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Protocol, TextIO

HISTORY_LENGTH = 1000
"""Lines kept in the history file."""


class ReadlineLike(Protocol):
    """The part of the ``readline`` module the console uses."""

    def read_history_file(self, filename: str = ...) -> None: ...

    def write_history_file(self, filename: str = ...) -> None: ...

    def set_history_length(self, length: int, /) -> None: ...


class ConsoleHistory:
    """The console's history file: read when the console starts, written when it ends (``path`` None: not kept)."""

    def __init__(self, readline: ReadlineLike, path: Path | None, length: int = HISTORY_LENGTH) -> None:
        self.readline = readline
        self.path = path
        self.length = length

    def load(self) -> None:
        """Read earlier sessions' lines, if there are any; an unreadable file is ignored."""
        self.readline.set_history_length(self.length)
        if self.path is not None and self.path.is_file():
            with contextlib.suppress(OSError):
                self.readline.read_history_file(str(self.path))

    def save(self) -> None:
        """Write the history (the last ``length`` lines); a failure costs the history, never the session."""
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.readline.write_history_file(str(self.path))


def open_history(path: Path | None, *, stdin: TextIO | None = None, stdout: TextIO | None = None
                 ) -> ConsoleHistory | None:
    """Turn on line editing for ``input()`` and load the history; None when not on a terminal or no readline."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if not (stdin.isatty() and stdout.isatty()):
        return None
    try:
        import readline  # importing it is what makes input() edit lines
    except ImportError:  # Windows: plain input()
        return None
    history = ConsoleHistory(readline, path)
    history.load()
    return history
