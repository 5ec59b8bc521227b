"""Opening and refusing databases; statements that are parameterised and leave no transaction behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.database import Database, DatabaseError
from bot.storage.migrations import LATEST_VERSION


async def test_new_database_is_wal_and_latest(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    assert await db.version() == LATEST_VERSION
    row = await db.fetchone("PRAGMA journal_mode")
    assert row is not None and row[0] == "wal"
    await db.close()
    await db.close()  # idempotent


async def test_unopenable_paths_give_one_line(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        await Database.open(tmp_path / "missing" / "x.sqlite3")
    not_a_db = tmp_path / "text.sqlite3"
    not_a_db.write_text("this is not sqlite" * 100)
    with pytest.raises(DatabaseError) as info:
        await Database.open(not_a_db)
    assert "\n" not in str(info.value)


async def test_sql_is_parameterised(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "p.sqlite3")
    evil = "x'); DROP TABLE lookups; --"
    await db.execute("INSERT INTO app_settings (key, value) VALUES (?, ?)", (evil, evil))
    assert await db.fetchall("SELECT key, value FROM app_settings") == [(evil, evil)]
    assert await db.fetchall("SELECT COUNT(*) FROM lookups") == [(0,)]
    await db.close()


async def test_execute_reports_changed_rows_and_fetchone_none(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "rows.sqlite3")
    await db.executemany("INSERT INTO app_settings (key, value) VALUES (?, ?)", [("a", "1"), ("b", "2")])
    assert await db.execute("UPDATE app_settings SET value = ?", ("x",)) == 2
    assert await db.fetchone("SELECT value FROM app_settings WHERE key = ?", ("missing",)) is None
    await db.close()


async def test_a_failed_write_is_rolled_back_and_the_connection_stays_usable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fail.sqlite3")
    rows = [("k1", "v"), ("k1", "duplicate key")]
    with pytest.raises(Exception, match="UNIQUE"):
        await db.executemany("INSERT INTO app_settings (key, value) VALUES (?, ?)", rows)
    assert not db.conn.in_transaction
    assert await db.fetchall("SELECT * FROM app_settings") == []  # the first row of the batch went too
    await db.execute("INSERT INTO app_settings (key, value) VALUES (?, ?)", ("k2", "v"))
    assert await db.fetchall("SELECT key FROM app_settings") == [("k2",)]
    await db.close()
