"""Versioned migrations: applied in order as whole scripts, each one all-or-nothing, reported clearly on failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import database as database_module
from bot.storage.database import Database, DatabaseError
from bot.storage.migrations import LATEST_VERSION, MIGRATIONS, Migration
from bot.storage.settings import SettingsStore


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_versions_are_consecutive_from_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST_VERSION == MIGRATIONS[-1].version


def test_a_migration_must_end_its_last_statement_and_have_a_positive_version() -> None:
    with pytest.raises(ValueError, match="must end with ';'"):
        Migration(9, "CREATE TABLE x (a INTEGER)")
    with pytest.raises(ValueError, match="1 or more"):
        Migration(0, "CREATE TABLE x (a INTEGER);")


def test_a_script_records_its_version_in_its_own_transaction(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0].script)
        assert not conn.in_transaction
    assert user_version(path) == MIGRATIONS[0].version
    assert "lookups" in tables(path)


async def test_old_database_is_migrated_forward_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0].script)
        conn.execute("INSERT INTO app_settings VALUES ('kept', 'yes')")
    db = await Database.open(path)
    assert await db.version() == LATEST_VERSION
    assert await SettingsStore(db).get("kept") == "yes"
    assert await db.fetchall("SELECT * FROM totd_posts") == []
    await db.close()


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite3"
    for _ in range(2):
        db = await Database.open(path)
        assert await db.version() == LATEST_VERSION
        assert await db.migrate() == LATEST_VERSION
        await db.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(DatabaseError, match="newer than this program"):
        await Database.open(path)


async def test_semicolons_and_dashes_inside_literals_and_triggers_survive(tmp_path: Path) -> None:
    tricky = Migration(
        LATEST_VERSION + 1,
        """
        CREATE TABLE notes (body TEXT NOT NULL DEFAULT 'a; b -- not a comment');
        CREATE TABLE note_count (n INTEGER NOT NULL);
        INSERT INTO note_count VALUES (0);
        CREATE TRIGGER count_notes AFTER INSERT ON notes BEGIN
            UPDATE note_count SET n = n + 1;  -- two statements inside one trigger
            UPDATE note_count SET n = n + 0;
        END;
        """,
    )
    db = await Database.open(tmp_path / "tricky.sqlite3")
    assert await db.migrate([*MIGRATIONS, tricky]) == tricky.version
    await db.execute("INSERT INTO notes DEFAULT VALUES")
    assert await db.fetchall("SELECT body FROM notes") == [("a; b -- not a comment",)]
    assert await db.fetchall("SELECT n FROM note_count") == [(1,)]
    await db.close()


BROKEN = Migration(
    LATEST_VERSION + 1,
    """
    CREATE TABLE half_done (x INTEGER);
    INSERT INTO app_settings (key, value) VALUES ('half', 'done');
    INSERT INTO no_such_table VALUES (1);
    """,
)


async def test_a_failed_migration_leaves_the_previous_version_and_nothing_of_itself(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    db = await Database.open(path)
    with pytest.raises(DatabaseError) as info:
        await db.migrate([*MIGRATIONS, BROKEN])
    message = str(info.value)
    assert f"to schema version {BROKEN.version}" in message
    assert f"stays at version {LATEST_VERSION}" in message
    assert "no_such_table" in message and "\n" not in message
    assert await db.version() == LATEST_VERSION
    assert not db.conn.in_transaction
    assert await SettingsStore(db).get("half") is None
    await db.execute("INSERT INTO app_settings (key, value) VALUES ('after', 'ok')")  # the connection still works
    await db.close()
    assert user_version(path) == LATEST_VERSION
    assert "half_done" not in tables(path)


async def test_opening_with_a_broken_migration_refuses_and_keeps_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "app.sqlite3"
    db = await Database.open(path)
    await SettingsStore(db).set("kept", "yes")
    await db.close()
    monkeypatch.setattr(database_module, "MIGRATIONS", (*MIGRATIONS, BROKEN))
    with pytest.raises(DatabaseError, match=f"cannot migrate database .* to schema version {BROKEN.version}"):
        await Database.open(path)
    monkeypatch.undo()
    db = await Database.open(path)
    assert await db.version() == LATEST_VERSION
    assert await SettingsStore(db).get("kept") == "yes"
    await db.close()


async def test_a_migration_another_process_applied_first_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shared.sqlite3"
    monkeypatch.setattr(database_module, "MIGRATIONS", MIGRATIONS[:1])
    db = await Database.open(path)
    monkeypatch.undo()
    assert await db.version() == 1
    with sqlite3.connect(path) as other:  # the other process migrates after this one read version 1
        for step in MIGRATIONS[1:]:
            other.executescript(step.script)
    real_version = db.version
    reads = iter([1])

    async def stale_then_real() -> int:
        return next(reads, None) or await real_version()

    monkeypatch.setattr(db, "version", stale_then_real)
    assert await db.migrate() == LATEST_VERSION
    assert await real_version() == LATEST_VERSION
    await db.close()
