"""The lookup log: batched writes, nothing lost or doubled (failures, cancellation, close), pseudonymous users,
retention and statistics."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.storage.database import Database
from bot.storage.lookups import MAX_QUERY_STORED, LookupLog, LookupRecord, prune, summary, user_key

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]
LIMIT = 10.0
"""Seconds a held write may take before the test fails instead of hanging."""


def rec(i: int, *, at: datetime = NOW, entry: int | None = 1, intent: str = "define", query: str = "") -> LookupRecord:
    return LookupRecord(at=at, source="test", query=query or f"q{i}", intent=intent, entry=entry, score=90.0,
                        latency_ms=0.5, guild_id=10, channel_id=20, user_key="u")


async def count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM lookups")
    assert row is not None
    return int(row[0])


async def duplicates(db: Database) -> list[tuple[Any, ...]]:
    return await db.fetchall("SELECT query, COUNT(*) FROM lookups GROUP BY query HAVING COUNT(*) > 1")


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "log.sqlite3")
    yield database
    await database.close()


class GatedWrites:
    """Wraps ``Database.executemany``: records each batch size, and holds each write until ``release``."""

    def __init__(self, db: Database, *, gated: bool = True, fail_first: int = 0) -> None:
        self.real = db.executemany
        self.sizes: list[int] = []
        self.started = asyncio.Event()
        self.gate = asyncio.Event()
        self.fail_first = fail_first
        if not gated:
            self.gate.set()

    async def __call__(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        self.sizes.append(len(rows))
        self.started.set()
        await self.gate.wait()
        if self.fail_first:
            self.fail_first -= 1
            raise RuntimeError("disk full")
        await self.real(sql, rows)


async def test_record_does_not_write_until_a_batch_or_interval(db: Database) -> None:
    log = LookupLog(db, batch_size=100, flush_interval=60)
    await log.start()
    for i in range(10):
        log.record(rec(i))
    await asyncio.sleep(0.05)
    assert await count(db) == 0 and log.pending == 10
    for i in range(10, 100):
        log.record(rec(i))
    for _ in range(200):
        if await count(db) == 100:
            break
        await asyncio.sleep(0.01)
    assert await count(db) == 100 and log.pending == 0
    await log.close()


async def test_the_interval_writes_a_partial_batch(db: Database) -> None:
    log = LookupLog(db, batch_size=100, flush_interval=0.02)
    await log.start()
    log.record(rec(1))
    for _ in range(200):
        if await count(db) == 1:
            break
        await asyncio.sleep(0.01)
    assert await count(db) == 1
    await log.close()


async def test_rows_are_written_in_batches_of_batch_size(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    writes = GatedWrites(db, gated=False)
    monkeypatch.setattr(db, "executemany", writes)
    log = LookupLog(db, batch_size=40)
    for i in range(130):
        log.record(rec(i))
    assert await log.flush() == 130
    assert writes.sizes == [40, 40, 40, 10]
    assert log.written == 130 and log.pending == 0
    assert await count(db) == 130


async def test_close_flushes_everything_exactly_once(db: Database) -> None:
    log = LookupLog(db, batch_size=50, flush_interval=0.01)
    await log.start()
    for i in range(5_000):
        log.record(rec(i))
        if i % 100 == 0:
            await asyncio.sleep(0)
    await log.close()
    assert await count(db) == 5_000
    assert await duplicates(db) == []
    await log.close()  # idempotent
    assert await count(db) == 5_000


async def test_close_without_start_still_writes_the_queue(db: Database) -> None:
    log = LookupLog(db)
    for i in range(7):
        log.record(rec(i))
    await log.close()
    assert await count(db) == 7


async def test_failed_write_keeps_rows_for_the_next_attempt(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "executemany", GatedWrites(db, gated=False, fail_first=1))
    log = LookupLog(db)
    for i in range(3):
        log.record(rec(i))
    with pytest.raises(RuntimeError):
        await log.flush()
    assert log.pending == 3 and log.written == 0
    assert await log.flush() == 3
    assert await count(db) == 3


async def test_the_writer_survives_a_failed_write_and_retries(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "executemany", GatedWrites(db, gated=False, fail_first=1))
    log = LookupLog(db, batch_size=1, flush_interval=0.01)
    await log.start()
    log.record(rec(1))
    for _ in range(300):
        if log.written == 1:
            break
        await asyncio.sleep(0.01)
    assert log.written == 1 and await count(db) == 1
    await log.close()


async def test_a_cancelled_flush_does_not_abandon_the_running_write(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = GatedWrites(db)
    monkeypatch.setattr(db, "executemany", writes)
    log = LookupLog(db, batch_size=10)
    for i in range(25):
        log.record(rec(i))
    flush = asyncio.create_task(log.flush())
    await asyncio.wait_for(writes.started.wait(), LIMIT)
    flush.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flush
    assert log.pending == 25  # the held batch still counts as pending
    writes.gate.set()
    await asyncio.wait_for(log.close(), LIMIT)  # waits for the held batch, then writes the rest
    assert await count(db) == 25 and await duplicates(db) == []
    assert log.written == 25 and log.pending == 0


async def test_a_cancelled_flush_whose_write_fails_keeps_the_rows(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = GatedWrites(db, fail_first=1)
    monkeypatch.setattr(db, "executemany", writes)
    log = LookupLog(db, batch_size=10)
    for i in range(15):
        log.record(rec(i))
    flush = asyncio.create_task(log.flush())
    await asyncio.wait_for(writes.started.wait(), LIMIT)
    flush.cancel()
    flush.cancel()  # cancelled twice: still no row lost
    with pytest.raises(asyncio.CancelledError):
        await flush
    writes.gate.set()
    await asyncio.wait_for(log.close(), LIMIT)
    assert await count(db) == 15 and await duplicates(db) == []


async def test_cancelling_a_large_flush_at_any_moment_neither_loses_nor_doubles(db: Database) -> None:
    log = LookupLog(db)
    for i in range(20_000):
        log.record(rec(i))
    task = asyncio.create_task(log.flush())
    await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await log.flush()
    assert await count(db) == 20_000 and await duplicates(db) == []


async def test_a_full_queue_drops_the_oldest_rows(db: Database) -> None:
    log = LookupLog(db, max_queue=3)
    for i in range(5):
        log.record(rec(i))
    assert log.dropped == 2 and log.pending == 3
    await log.flush()
    assert sorted(q for (q,) in await db.fetchall("SELECT query FROM lookups")) == ["q2", "q3", "q4"]


@dataclass
class FakeAnswer:
    """Only what ``AnswerLike`` promises: storage must not need more of the engine's Answer."""

    query: str
    intent: str
    score: float
    latency_ms: float
    entry_number: int | None


def test_record_of_an_answer_keeps_its_fields_and_stores_utc() -> None:
    answer = FakeAnswer(query="x" * (MAX_QUERY_STORED + 50), intent="define", score=87.456, latency_ms=1.23456,
                        entry_number=5)
    at = datetime(2026, 11, 26, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    record = LookupRecord.of(answer, at=at, source="slash", guild_id=1, channel_id=2, user_key="k")
    assert (record.query, record.intent, record.entry, record.source) == (answer.query, "define", 5, "slash")
    row = record.row()
    assert row[0] == "2026-11-26T12:00:00.000+00:00"
    assert row[1:5] == (1, 2, "k", "slash")
    assert row[5] == "x" * MAX_QUERY_STORED
    assert row[6:] == ("define", 5, 87.46, 1.235)


def test_storage_never_imports_the_engine() -> None:
    code = (
        "import importlib, pkgutil, sys, bot.storage; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(bot.storage.__path__, 'bot.storage.')]; "
        "print(sorted(m for m in sys.modules if m.startswith('bot.engine')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_user_key_is_a_keyed_hash_unless_raw_is_configured() -> None:
    a = user_key(1234, b"secret")
    assert a == user_key(1234, b"secret") and a != user_key(1234, b"other") and "1234" not in a
    assert user_key(1234, b"secret", raw=True) == "1234"
    assert user_key(None, b"secret") is None


async def test_prune_respects_retention(db: Database) -> None:
    log = LookupLog(db)
    log.record(rec(1, at=NOW - timedelta(days=100)))
    log.record(rec(2, at=NOW - timedelta(days=10)))
    await log.flush()
    assert await prune(db, 0, clock=lambda: NOW) == 0
    assert await prune(db, 30, clock=lambda: NOW) == 1
    assert await count(db) == 1


async def test_summary_figures(db: Database) -> None:
    log = LookupLog(db)
    popular, other = 2, 1  # any entry numbers: storage does not know the glossary
    for i in range(3):
        log.record(rec(i, entry=popular))
    log.record(rec(9, entry=other, at=NOW - timedelta(days=1)))
    log.record(rec(10, entry=None, query="What is a nonce"))
    log.record(rec(11, entry=None, query="what is a nonce "))
    log.record(rec(12, entry=None, intent="none", query="thanks"))
    await log.flush()
    stats = await summary(db, days=30, clock=ManualClock(NOW))
    assert stats.total == 6 and stats.answered == 4
    assert stats.answer_rate == pytest.approx(4 / 6)
    assert stats.top_terms == [(popular, 3), (other, 1)]
    assert stats.top_unanswered == [("what is a nonce", 2)]
    assert [n for _, n in stats.per_day] == [1, 6]
    other_guild = await summary(db, guild_id=99, clock=ManualClock(NOW))
    assert other_guild.total == 0 and other_guild.answer_rate == 0.0
    same_guild = await summary(db, guild_id=10, clock=ManualClock(NOW))
    assert same_guild.total == 6
