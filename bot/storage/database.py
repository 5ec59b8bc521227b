"""Open the SQLite database (WAL mode) and migrate it forward on start."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS, Migration


class DatabaseError(Exception):
    """The database cannot be opened or is newer than this program."""


class Database:
    """One aiosqlite connection with helpers. Every statement takes parameters; no SQL is built from input.

    The connection is shared by the lookup log, settings and the term-of-the-day scheduler. Its operations run
    one at a time (a lock): otherwise a write could start while another coroutine's read cursor is still open,
    and against a second process holding the write lock SQLite then fails at once instead of waiting. A failed
    write is rolled back so the connection never stays inside a transaction with a stale snapshot.
    """

    def __init__(self, path: str, connection: aiosqlite.Connection) -> None:
        self.path = path
        self.conn = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> Database:
        """Open (creating if needed) and migrate. Raises ``DatabaseError`` with a one-line reason."""
        path = str(path)
        if path != ":memory:":
            parent = os.path.dirname(os.path.abspath(path))  # noqa: ASYNC240 - once, at start-up
            if not os.path.isdir(parent):  # noqa: ASYNC240 - one stat, once, at start-up
                raise DatabaseError(f"cannot open database {path}: folder {parent} does not exist")
        try:
            conn = await aiosqlite.connect(path, timeout=10)
        except Exception as exc:
            raise DatabaseError(f"cannot open database {path}: {exc}") from exc
        db = cls(path, conn)
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=10000")
            await db.migrate()
        except DatabaseError:
            await conn.close()
            raise
        except Exception as exc:
            await conn.close()
            raise DatabaseError(f"cannot use database {path}: {exc}") from exc
        return db

    async def version(self) -> int:
        """The schema version recorded in the file."""
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, migrations: Sequence[Migration] | None = None) -> int:
        """Apply every migration newer than the file's version, in order; return the version reached.

        Each migration is one script (statements, then its ``PRAGMA user_version``, in one transaction). A
        migration that fails is rolled back, so the file stays at the last version that completed, and
        ``DatabaseError`` names both versions. If another process migrated the file meanwhile, its work is kept.
        """
        steps = MIGRATIONS if migrations is None else tuple(migrations)
        latest = steps[-1].version if steps else 0
        current = await self.version()
        if current > latest:
            raise DatabaseError(
                f"database {self.path} has schema version {current}, newer than this program ({latest})"
            )
        for step in steps:
            if step.version <= current:
                continue
            try:
                await self.conn.executescript(step.script)
            except Exception as exc:
                await self._rollback_after_failure()
                current = await self.version()
                if current >= step.version:  # another process applied it first
                    continue
                raise DatabaseError(
                    f"cannot migrate database {self.path} to schema version {step.version}: {exc}"
                    f" (it stays at version {current})"
                ) from exc
            current = step.version
        return current

    async def _rollback_after_failure(self) -> None:
        if self.conn.in_transaction:
            try:
                await self.conn.rollback()
            except Exception:  # the original error matters more
                pass

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement and commit; return the number of changed rows."""
        async with self._lock:
            try:
                cursor = await self.conn.execute(sql, params)
                await self.conn.commit()
            except BaseException:
                await self._rollback_after_failure()
                raise
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows in one transaction."""
        async with self._lock:
            try:
                await self.conn.executemany(sql, rows)
                await self.conn.commit()
            except BaseException:
                await self._rollback_after_failure()
                raise

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query."""
        async with self._lock, self.conn.execute(sql, params) as cursor:
            return [tuple(r) for r in await cursor.fetchall()]

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        async with self._lock, self.conn.execute(sql, params) as cursor:
            row = await cursor.fetchone()
            return tuple(row) if row is not None else None

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        try:
            await self.conn.close()
        except ValueError:
            pass

