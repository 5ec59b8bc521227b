"""Application settings and opted-in channels: stored at once, cached, and still there after a restart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.storage.database import Database
from bot.storage.settings import SettingsStore

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_channels_and_settings_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    db = await Database.open(path)
    store = SettingsStore(db, clock=ManualClock(NOW))
    assert await store.add_channel(1, 100) is True
    assert await store.add_channel(1, 100) is False
    await store.add_channel(1, 101)
    assert await store.remove_channel(1, 101) is True
    assert await store.remove_channel(1, 101) is False
    await store.set("k", "v")
    await store.set("k", "v2")
    await db.close()
    db = await Database.open(path)
    store = SettingsStore(db)
    assert not store.is_opted_in(1, 100)  # nothing is known before the channels are loaded
    assert await store.channels_of(1) == [100]
    assert store.is_opted_in(1, 100) and not store.is_opted_in(2, 100) and not store.is_opted_in(None, 100)
    assert await store.get("k") == "v2"
    assert await store.get("unset") is None
    assert await db.fetchall("SELECT added_at FROM guild_channels") == [(NOW.isoformat(),)]
    await db.close()


async def test_keys_and_values_are_stored_verbatim(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "p.sqlite3")
    store = SettingsStore(db)
    evil = "x'); DROP TABLE lookups; --"
    await store.set(evil, evil)
    assert await store.get(evil) == evil
    assert await db.fetchall("SELECT COUNT(*) FROM lookups") == [(0,)]
    await db.close()
