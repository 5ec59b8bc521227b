"""The console's lookup log: batches, source names, a failing write reported once, no engine needed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.clock import ManualClock
from bot.storage.console import ConsoleLookupLog
from tests.unit.totd.support import utc

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class FakeAnswer:
    """Just what ``AnswerLike`` asks for."""

    query: str
    intent: str = "define"
    score: float = 100.0
    latency_ms: float = 1.5
    entry_number: int | None = 7


def rows(path: Path) -> list[tuple[str, str, str, str, int | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT at, source, query, intent, entry FROM lookups ORDER BY id").fetchall()


def test_answers_are_written_in_batches_and_on_flush(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    log = ConsoleLookupLog(str(path), "cli-ask", clock=ManualClock(utc(2026, 6, 1, 12)))
    log.BATCH = 3
    for i in range(4):
        log.add(FakeAnswer(f"q{i}"))
    assert [r[2] for r in rows(path)] == ["q0", "q1", "q2"] and log.written == 3  # the full batch, at once
    log.flush()
    assert rows(path)[-1] == ("2026-06-01T12:00:00.000+00:00", "cli-ask", "q3", "define", 7)
    assert log.written == 4 and log.pending == []


def test_no_path_logs_nothing(tmp_path: Path) -> None:
    log = ConsoleLookupLog(None, "console")
    log.add(FakeAnswer("q"))
    log.flush()
    assert log.pending == [] and list(tmp_path.iterdir()) == []
    assert ConsoleLookupLog("", "console").path is None


def test_a_failed_write_is_reported_once_and_logging_stops(tmp_path: Path) -> None:
    failures: list[str] = []
    log = ConsoleLookupLog(str(tmp_path / "missing" / "log.sqlite3"), "console", on_failure=failures.append)
    log.add(FakeAnswer("q1"))
    log.flush()
    log.add(FakeAnswer("q2"))
    log.flush()
    assert len(failures) == 1 and failures[0].startswith("1 lookup(s) not logged: ")
    assert log.path is None and not (tmp_path / "missing").exists()


def test_console_storage_does_not_import_the_engine() -> None:
    code = "import sys, bot.storage.console; assert 'bot.engine' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
