"""The lookup log: batched writes, nothing lost or doubled, pseudonymous users, retention, statistics."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.storage.database import Database
from bot.storage.lookups import LookupLog, LookupRecord, prune, summary, user_key

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def rec(i: int, *, at: datetime = NOW, entry: int | None = 1, intent: str = "define", query: str = "") -> LookupRecord:
    return LookupRecord(at=at, source="test", query=query or f"q{i}", intent=intent, entry=entry, score=90.0,
                        latency_ms=0.5, guild_id=10, channel_id=20, user_key="u")


async def count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM lookups")
    assert row is not None
    return int(row[0])


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "log.sqlite3")
    yield database
    await database.close()


async def test_record_does_not_write_until_a_batch_or_interval(db: Database) -> None:
    log = LookupLog(db, batch_size=100, flush_interval=60)
    await log.start()
    for i in range(10):
        log.record(rec(i))
    await asyncio.sleep(0.05)
    assert await count(db) == 0 and log.pending == 10
    for i in range(10, 100):
        log.record(rec(i))
    for _ in range(100):
        if await count(db) == 100:
            break
        await asyncio.sleep(0.01)
    assert await count(db) == 100
    await log.close()


async def test_close_flushes_everything_exactly_once(db: Database) -> None:
    log = LookupLog(db, batch_size=50, flush_interval=0.01)
    await log.start()
    for i in range(5_000):
        log.record(rec(i))
        if i % 100 == 0:
            await asyncio.sleep(0)
    await log.close()
    assert await count(db) == 5_000
    rows = await db.fetchall("SELECT query, COUNT(*) FROM lookups GROUP BY query HAVING COUNT(*) > 1")
    assert rows == []
    await log.close()  # idempotent
    assert await count(db) == 5_000


async def test_failed_write_keeps_rows_for_the_next_attempt(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    log = LookupLog(db)
    real = db.executemany
    calls = {"n": 0}

    async def flaky(sql: str, rows: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("disk full")
        await real(sql, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "executemany", flaky)
    for i in range(3):
        log.record(rec(i))
    with pytest.raises(RuntimeError):
        await log.flush()
    assert log.pending == 3
    assert await log.flush() == 3
    assert await count(db) == 3


async def test_cancelled_flush_neither_loses_nor_doubles(db: Database) -> None:
    log = LookupLog(db)
    for i in range(20_000):
        log.record(rec(i))
    task = asyncio.create_task(log.flush())
    await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await log.flush()
    assert await count(db) == 20_000


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
    for i in range(3):
        log.record(rec(i, entry=152))
    log.record(rec(9, entry=26, at=NOW - timedelta(days=1)))
    log.record(rec(10, entry=None, query="What is a nonce"))
    log.record(rec(11, entry=None, query="what is a nonce "))
    log.record(rec(12, entry=None, intent="none", query="thanks"))
    await log.flush()
    stats = await summary(db, days=30, clock=ManualClock(NOW))
    assert stats.total == 6 and stats.answered == 4
    assert stats.answer_rate == pytest.approx(4 / 6)
    assert stats.top_terms[0] == (152, 3)
    assert stats.top_unanswered == [("what is a nonce", 2)]
    assert [n for _, n in stats.per_day] == [1, 6]
    other_guild = await summary(db, guild_id=99, clock=ManualClock(NOW))
    assert other_guild.total == 0
