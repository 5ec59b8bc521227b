"""Fixtures for the term-of-the-day tests: a temporary SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.database import Database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test database lives."""
    return tmp_path / "totd.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    """An open database on ``db_path``."""
    database = await Database.open(db_path)
    yield database
    await database.close()
