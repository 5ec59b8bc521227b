"""Fixtures for the command-line tests: the user data directory and the working directory are temporary."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import config


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data directory, moved into ``tmp_path`` (never the real one); returned for assertions."""
    directory = tmp_path / "user-data"
    monkeypatch.setattr(config, "user_data_dir", lambda: directory)
    return directory


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory the command runs in (where a ``.env`` would be read from)."""
    directory = tmp_path / "work"
    directory.mkdir()
    monkeypatch.chdir(directory)
    return directory


@pytest.fixture
def dotenv_database(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``.env`` in the working directory naming a database, with no ``DATABASE_PATH`` in the environment."""
    path = tmp_path / "from-dotenv.sqlite3"
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    (workdir / ".env").write_text(f"DATABASE_PATH={path}\n")
    return path
