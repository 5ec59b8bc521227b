"""cyberglossary totd: offline predictions, the database's history, and the DATABASE_PATH setting."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path

import pytest

from bot.cli import build_parser, settings_for
from bot.cli.totd import cmd_totd, format_prediction
from bot.clock import Clock, ManualClock
from bot.config import load_settings
from bot.glossary.model import Glossary
from bot.storage.database import Database
from bot.totd import TotdService, predict, seed_for_guild
from bot.totd.rotation import Prediction
from tests.unit.totd.support import Poster, make_glossary, utc


@pytest.fixture
def small_glossary(monkeypatch: pytest.MonkeyPatch) -> Glossary:
    glossary = make_glossary(range(1, 21))
    monkeypatch.setattr("bot.glossary.loader.load_glossary", lambda _path: glossary)
    return glossary


def totd(*argv: str, clock: Clock) -> int:
    args: argparse.Namespace = build_parser().parse_args(["totd", *argv])
    return cmd_totd(args, settings_for(args, load_settings()), clock=clock)


def test_offline_matches_the_service_prediction(small_glossary: Glossary, workdir: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DATABASE_PATH", raising=False)  # the default database does not exist: offline
    clock = ManualClock(utc(2026, 6, 1, 12))
    assert totd("--date", "2026-06-10", "--guild", "42", clock=clock) == 0
    captured = capsys.readouterr()
    want = predict([e.entry for e in small_glossary], seed_for_guild(42), [], date(2026, 6, 10), date(2026, 6, 1))
    assert want is not None and f"Term {want.entry:03d}" in captured.out and "2026-06-10 (server 42)" in captured.out
    assert "[predicted]" in captured.out and captured.err == ""  # no note about the default database
    assert totd("--date", "2026-05-01", "--guild", "42", clock=clock) == 1
    assert totd("--date", "June 1", "--guild", "42", clock=clock) == 2


def test_a_named_database_that_is_missing_is_noted(small_glossary: Glossary, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "nope.sqlite3"))
    assert totd("--guild", "1", clock=ManualClock(utc(2026, 6, 1, 12))) == 0
    assert "not found; predicting from the glossary alone" in capsys.readouterr().err


async def _posted_database(path: Path, glossary: Glossary, clock: ManualClock) -> tuple[int, int]:
    """A database where guild 42 posted on 1 June; returns (posted entry, predicted entry for 2 June)."""
    database = await Database.open(path)
    try:
        service = TotdService(database, glossary, clock=clock, token="bot")
        await service.set(42, 10, "09:00", "Europe/Berlin")
        poster = Poster(clock)
        await service.run_due_now(poster)
        tomorrow = await service.term_for(42, date(2026, 6, 2))
        assert tomorrow is not None
        return poster.entries(42)[0], tomorrow.entry
    finally:
        await database.close()


def test_dotenv_database_path_is_honoured(small_glossary: Glossary, dotenv_database: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    posted, tomorrow = asyncio.run(_posted_database(dotenv_database, small_glossary, clock))
    assert totd("--date", "2026-06-01", "--guild", "42", clock=clock) == 0
    out = capsys.readouterr().out
    assert f"Term {posted:03d}" in out and "[posted]" in out
    assert totd("--date", "2026-06-02", "--guild", "42", clock=clock) == 0
    out = capsys.readouterr().out
    assert f"Term {tomorrow:03d}" in out and "[predicted]" in out


def test_format_prediction_says_what_happened() -> None:
    glossary = make_glossary([1])
    assert format_prediction(None, glossary, 7, date(2026, 1, 2)) == (
        "2026-01-02 (server 7): no term of the day was posted on that date")
    gone = Prediction(date(2026, 1, 2), 99, 0, "predicted")
    assert format_prediction(gone, glossary, 7, None).endswith("entry 99 (no longer in the glossary) [predicted]")
    shown = format_prediction(Prediction(date(2026, 1, 2), 1, 0, "sent"), glossary, 7, None)
    assert shown == "2026-01-02 (server 7): Term 001 (Entry № 001, Malware) [posted]\n  Definition 1."
