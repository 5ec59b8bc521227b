"""The console's line history: only on a terminal, kept in the given file, never fatal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.history import HISTORY_LENGTH, ConsoleHistory, open_history


class FakeReadline:
    """Records what the console asks of ``readline`` and keeps lines like it does."""

    def __init__(self, lines: list[str] | None = None) -> None:
        self.lines = list(lines or [])
        self.length: int | None = None

    def read_history_file(self, filename: str = "") -> None:
        self.lines += Path(filename).read_text().splitlines()

    def write_history_file(self, filename: str = "") -> None:
        Path(filename).write_text("".join(f"{line}\n" for line in self.lines[-(self.length or 0):]))

    def set_history_length(self, length: int, /) -> None:
        self.length = length


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_history_round_trip_creates_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "data" / "console_history"
    first = FakeReadline(["what is xss", "how does it work"])
    history = ConsoleHistory(first, path)
    history.load()
    assert first.length == HISTORY_LENGTH
    history.save()
    second = FakeReadline()
    ConsoleHistory(second, path).load()
    assert second.lines == ["what is xss", "how does it work"]


def test_history_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "history"
    readline = FakeReadline([f"line {i}" for i in range(10)])
    history = ConsoleHistory(readline, path, length=3)
    history.load()
    history.save()
    assert path.read_text().splitlines() == ["line 7", "line 8", "line 9"]


def test_no_path_keeps_nothing_and_unwritable_path_is_not_fatal(tmp_path: Path) -> None:
    readline = FakeReadline(["x"])
    ConsoleHistory(readline, None).save()
    blocker = tmp_path / "file"
    blocker.write_text("")
    ConsoleHistory(readline, blocker / "history").save()  # parent is a file: OSError swallowed
    assert list(tmp_path.iterdir()) == [blocker]


def test_open_history_needs_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "history"
    assert open_history(path, stdin=io.StringIO(), stdout=io.StringIO()) is None
    assert open_history(path, stdin=Terminal(), stdout=io.StringIO()) is None
    assert not path.exists()


def test_open_history_on_a_terminal_uses_readline(tmp_path: Path) -> None:
    readline = pytest.importorskip("readline")  # absent on Windows, where the console uses plain input()
    path = tmp_path / "history"
    path.write_text("earlier question\n")
    before = readline.get_current_history_length()
    history = open_history(path, stdin=Terminal(), stdout=Terminal())
    try:
        assert history is not None and history.readline is readline
        assert readline.get_history_item(readline.get_current_history_length()) == "earlier question"
    finally:
        while readline.get_current_history_length() > before:  # leave the process's history as it was
            readline.remove_history_item(readline.get_current_history_length() - 1)
