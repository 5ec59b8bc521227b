"""Shared fixtures: the real glossary (loaded once) and paths to test data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import GlossaryEngine
from bot.glossary import Glossary, load_glossary

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def glossary() -> Glossary:
    """The project's glossary_data, validated."""
    return load_glossary(ROOT / "glossary_data")


@pytest.fixture
def engine(glossary: Glossary) -> GlossaryEngine:
    """A fresh engine (fresh conversation context) over the real glossary."""
    return GlossaryEngine(glossary)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """tests/data."""
    return DATA


@pytest.fixture(autouse=True)
def _lookup_log_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Console commands log lookups; in tests they go to a temporary database, never into the work tree.

    The user data directory (default database, console history) points into tmp_path as well, for this process
    and for any subprocess a test starts (platformdirs honours ``XDG_DATA_HOME``).
    """
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "lookups.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
