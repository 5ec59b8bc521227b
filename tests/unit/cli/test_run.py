"""cyberglossary run: settings from the one loader, and one error line for what the user must fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main, run
from bot.config import Settings
from bot.glossary import Glossary
from tests.unit.cli.support import GLOSSARY, ROOT


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Replace the Discord start with a recorder of the settings it was given."""
    calls: list[Settings] = []

    def start_bot(settings: Settings, glossary: Glossary) -> int:
        calls.append(settings)
        return 0

    monkeypatch.setattr(run, "start_bot", start_bot)
    return calls


def test_run_without_token_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={**env, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_dotenv_database_path_is_honoured(dotenv_database: Path, workdir: Path, started: list[Settings]) -> None:
    with (workdir / ".env").open("a") as dotenv:
        dotenv.write("DISCORD_TOKEN=abc\n")
    assert main(["--glossary", str(GLOSSARY), "run"]) == 0
    [settings] = started
    assert settings.database_path == str(dotenv_database) and settings.discord_token == "abc"
    assert settings.glossary_dir == str(GLOSSARY)


def test_default_database_is_in_the_user_data_dir(workdir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                  started: list[Settings]) -> None:
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    assert main(["--glossary", str(GLOSSARY), "run"]) == 0
    assert started[0].database_path == str(data_dir / "cyberglossary.sqlite3")
    assert data_dir.is_dir() and list(workdir.iterdir()) == []  # the directory is ready for the bot's database


def test_empty_database_path_is_refused(monkeypatch: pytest.MonkeyPatch, started: list[Settings],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("DATABASE_PATH", "")
    assert main(["--glossary", str(GLOSSARY), "run"]) == 2
    assert started == [] and capsys.readouterr().err.startswith("error: DATABASE_PATH is empty")
