"""Opening, migrating and refusing databases; settings that survive a restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.database import Database, DatabaseError
from bot.storage.migrations import LATEST_VERSION, MIGRATIONS
from bot.storage.settings import SettingsStore


async def test_new_database_is_wal_and_latest(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    assert await db.version() == LATEST_VERSION
    row = await db.fetchone("PRAGMA journal_mode")
    assert row is not None and row[0] == "wal"
    await db.close()


async def test_old_database_is_migrated_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0][1])
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO app_settings VALUES ('kept', 'yes')")
    db = await Database.open(path)
    assert await db.version() == LATEST_VERSION
    assert await SettingsStore(db).get("kept") == "yes"
    assert await db.fetchall("SELECT * FROM totd_posts") == []
    await db.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(DatabaseError, match="newer than this program"):
        await Database.open(path)


async def test_unopenable_paths_give_one_line(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        await Database.open(tmp_path / "missing" / "x.sqlite3")
    not_a_db = tmp_path / "text.sqlite3"
    not_a_db.write_text("this is not sqlite" * 100)
    with pytest.raises(DatabaseError) as info:
        await Database.open(not_a_db)
    assert "\n" not in str(info.value)


async def test_channels_and_settings_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    db = await Database.open(path)
    store = SettingsStore(db)
    assert await store.add_channel(1, 100) is True
    assert await store.add_channel(1, 100) is False
    await store.add_channel(1, 101)
    assert await store.remove_channel(1, 101) is True
    await store.set("k", "v")
    await db.close()
    db = await Database.open(path)
    store = SettingsStore(db)
    assert await store.channels_of(1) == [100]
    assert store.is_opted_in(1, 100) and not store.is_opted_in(2, 100) and not store.is_opted_in(None, 100)
    assert await store.get("k") == "v"
    await db.close()


async def test_sql_is_parameterised(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "p.sqlite3")
    store = SettingsStore(db)
    evil = "x'); DROP TABLE lookups; --"
    await store.set(evil, evil)
    assert await store.get(evil) == evil
    assert await db.fetchall("SELECT COUNT(*) FROM lookups") == [(0,)]
    await db.close()
