"""The term-of-the-day ledger's compare-and-set writes, on a temporary SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage.database import Database
from bot.storage.totd import CLAIMED, FAILED, SENDING, SENT, TotdStore

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
D = date(2026, 5, 4)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[TotdStore]:
    db = await Database.open(tmp_path / "totd.db")
    yield TotdStore(db)
    await db.close()


async def test_settings_round_trip_keeps_seed_and_clears_error(store: TotdStore) -> None:
    await store.save_settings(1, 10, "09:00", "Europe/Berlin", 1234, T0)
    await store.set_error(1, "Missing Access", T0)
    got = await store.get_settings(1)
    assert got is not None and got.last_error == "Missing Access" and got.last_error_at == T0
    await store.save_settings(1, 11, "10:30", "Asia/Tokyo", 999, T0 + timedelta(hours=1))
    got = await store.get_settings(1)
    assert got is not None
    assert (got.channel_id, got.post_time, got.tz, got.seed, got.enabled) == (11, "10:30", "Asia/Tokyo", 1234, True)
    assert got.last_error is None and got.last_error_at is None
    assert await store.disable(1, T0) is True
    assert await store.disable(1, T0) is False
    assert await store.enabled_settings() == []


async def test_claim_is_unique_per_guild_and_date(store: TotdStore) -> None:
    assert await store.claim(1, D, 5, 0, "a", T0) is True
    assert await store.claim(1, D, 6, 0, "b", T0) is False
    assert await store.claim(2, D, 6, 0, "b", T0) is True
    assert await store.claim(1, D + timedelta(days=1), 6, 0, "b", T0) is True
    row = await store.get_post(1, D)
    assert row is not None and (row.entry, row.status, row.claimed_by, row.claimed_at) == (5, CLAIMED, "a", T0)


async def test_only_the_holder_moves_the_row_to_sending_and_sent(store: TotdStore) -> None:
    await store.claim(1, D, 5, 0, "a", T0)
    assert await store.mark_sending(1, D, "b", T0) is False
    assert await store.complete(1, D, "a", 10, 99, T0) is False  # not sending yet
    assert await store.mark_sending(1, D, "a", T0) is True
    assert await store.mark_sending(1, D, "a", T0) is False  # only once
    assert await store.complete(1, D, "b", 10, 99, T0) is False
    assert await store.complete(1, D, "a", 10, 99, T0) is True
    row = await store.get_post(1, D)
    assert row is not None and (row.status, row.message_id, row.channel_id) == (SENT, 99, 10)


async def test_retake_is_a_compare_and_set_on_the_claim_read(store: TotdStore) -> None:
    await store.claim(1, D, 5, 0, "dead", T0)
    seen = await store.get_post(1, D)
    assert seen is not None
    later = T0 + timedelta(minutes=11)
    assert await store.retake(seen, "b", later) is True
    assert await store.retake(seen, "c", later) is False  # the row changed since it was read
    assert await store.mark_sending(1, D, "dead", later) is False  # the old holder can no longer send
    assert await store.mark_sending(1, D, "b", later) is True
    row = await store.get_post(1, D)
    assert row is not None and (row.status, row.claimed_by, row.attempts) == (SENDING, "b", 2)
    assert await store.retake(row, "c", later) is False  # sending rows are never retaken


async def test_retry_needs_a_retry_time_and_the_attempt_count_read(store: TotdStore) -> None:
    await store.claim(1, D, 5, 0, "a", T0)
    await store.fail(1, D, "a", channel_id=10, error="rate limited", retry_at=T0 + timedelta(minutes=5))
    row = await store.get_post(1, D)
    assert row is not None and (row.status, row.error) == (FAILED, "rate limited")
    assert row.retry_at == T0 + timedelta(minutes=5)
    assert await store.retry(row, "b", T0 + timedelta(minutes=5)) is True
    assert await store.retry(row, "c", T0 + timedelta(minutes=5)) is False
    await store.fail(1, D, "b", channel_id=10, error="Missing Access", retry_at=None)
    row = await store.get_post(1, D)
    assert row is not None and row.retry_at is None and row.attempts == 2
    assert await store.retry(row, "c", T0 + timedelta(hours=1)) is False  # permanent for the day


async def test_history_is_in_date_order(store: TotdStore) -> None:
    for offset in (3, 1, 2):
        await store.claim(7, D + timedelta(days=offset), offset, 0, "a", T0)
    assert [r.entry for r in await store.posts(7)] == [1, 2, 3]
    last = await store.last_post(7)
    assert last is not None and last.entry == 3


async def test_a_write_that_finds_the_database_locked_leaves_no_transaction_open(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    db = await Database.open(path)
    await db.execute("PRAGMA busy_timeout = 0")
    store = TotdStore(db)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process is writing
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await store.claim(1, D, 5, 0, "a", T0)
    assert not db.conn.in_transaction
    blocker.execute("INSERT INTO totd_posts (guild_id, local_date, entry, status, claimed_by, claimed_at) "
                    "VALUES (2, '2026-05-04', 1, 'sent', 'other', '2026-05-04T09:00:00+00:00')")
    blocker.execute("COMMIT")
    blocker.close()
    assert await store.claim(1, D, 5, 0, "a", T0) is True  # the connection works on
    assert [r.guild_id for r in await store.posts(2)] == [2]
    await db.close()
