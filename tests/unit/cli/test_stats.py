"""cyberglossary stats: reads the same database the console and the bot log to, with one clear line on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.unit.cli.support import GLOSSARY


def test_dotenv_database_path_is_honoured(dotenv_database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 0  # logs to the .env database
    capsys.readouterr()
    assert main(["--glossary", str(GLOSSARY), "stats", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Last 7 days: 1 glossary questions, 1 answered (100% answer rate)")
    assert "Phishing" in out.split("Top terms:")[1]


def test_database_option_wins(tmp_path: Path, dotenv_database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite3"
    assert main(["--glossary", str(GLOSSARY), "define", "--database", str(other), "phishing"]) == 0
    capsys.readouterr()
    assert main(["--glossary", str(GLOSSARY), "stats", "--database", str(other)]) == 0
    assert "1 answered" in capsys.readouterr().out
    assert not dotenv_database.exists()


def test_no_database_is_one_error_line(workdir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    assert main(["stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: no database at {data_dir / 'cyberglossary.sqlite3'}") and err.count("\n") == 1
    monkeypatch.setenv("DATABASE_PATH", "")
    assert main(["stats"]) == 2
    assert "DATABASE_PATH is empty" in capsys.readouterr().err
    assert list(workdir.iterdir()) == [] and not data_dir.exists()


def test_stats_work_without_a_usable_glossary(dotenv_database: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 0
    capsys.readouterr()
    assert main(["--glossary", str(tmp_path / "no-such-glossary"), "stats"]) == 0
    assert "1 answered" in capsys.readouterr().out
