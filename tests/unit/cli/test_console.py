"""chat, ask and define: the ask --json interface, follow-ups, exit codes, and where lookups are logged."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main, settings_for
from bot.cli.console import cmd_ask
from bot.config import load_settings
from bot.glossary import Glossary
from tests.unit.cli.support import GLOSSARY, ROOT, logged_lookups


def run_ask(lines: list[str], *extra: str) -> list[dict]:
    args = build_parser().parse_args(["--glossary", str(GLOSSARY), "ask", "--json", *extra])
    out = io.StringIO()
    assert cmd_ask(args, settings_for(args, load_settings()), stdin=io.StringIO("\n".join(lines) + "\n"),
                   stdout=out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def entry_of(glossary: Glossary, term: str) -> int:
    found = glossary.by_name(term)
    assert found is not None, term
    return found.entry


def test_ask_json_fields_and_follow_ups(glossary: Glossary) -> None:
    records = run_ask(["what is xss", "how do you defend against it?", "thanks!", "injection"])
    assert [set(r) for r in records] == [{"query", "intent", "term", "entry", "score", "suggestions", "reply"}] * 4
    first, follow, chatter, unsure = records
    xss = entry_of(glossary, "Cross-Site Scripting")
    assert (first["term"], first["entry"], first["intent"]) == ("Cross-Site Scripting", xss, "define")
    assert "Cross-Site Scripting" in first["reply"]
    assert (follow["term"], follow["intent"]) == ("Cross-Site Scripting", "defend")
    assert chatter["intent"] == "none" and chatter["term"] is None and chatter["entry"] is None
    assert unsure["term"] is None and "SQL Injection" in unsure["suggestions"]


def test_ask_no_context() -> None:
    records = run_ask(["what is xss", "how do you defend against it?"], "--no-context")
    assert records[1]["term"] is None


def test_define_exit_codes(capsys: pytest.CaptureFixture[str], glossary: Glossary) -> None:
    phishing = glossary.by_name("Phishing")
    assert phishing is not None
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 0
    assert phishing.label in capsys.readouterr().out
    assert main(["--glossary", str(GLOSSARY), "define", "qwzx", "plorb"]) == 1


def test_glossary_dir_from_environment(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GLOSSARY_DIR", str(ROOT / "tests/data/glossaries/valid"))
    assert main(["define", "alpha worm"]) == 0
    assert "Alpha Worm" in capsys.readouterr().out


def test_glossary_dir_from_dotenv(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GLOSSARY_DIR", raising=False)
    (workdir / ".env").write_text(f"GLOSSARY_DIR={ROOT / 'tests/data/glossaries/valid'}\n")
    assert main(["define", "alpha worm"]) == 0
    assert "Alpha Worm" in capsys.readouterr().out


def test_invalid_glossary_is_reported_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--glossary", str(ROOT / "tests/data/glossaries/unknown_related"), "define", "x"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "does not exist" in err


def test_a_bad_setting_is_one_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / ".env").write_text("LOG_LEVEL=loud\n")
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: LOG_LEVEL") and err.count("\n") == 1


def test_console_commands_do_not_import_discord() -> None:
    code = (
        "import sys, io; sys.stdin = io.StringIO('what is xss\\n'); from bot.cli import main; "
        "main(['ask', '--json']); assert 'discord' not in sys.modules, 'discord imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DATABASE_PATH": ""})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["term"] == "Cross-Site Scripting"


def test_chat_session_with_follow_up(tmp_path: Path, glossary: Glossary) -> None:
    phishing = glossary.by_name("Phishing")
    assert phishing is not None
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--glossary", str(GLOSSARY), "chat"],
        input="what is phishing\nhow do you defend against it?\nquit\n", cwd=tmp_path, capture_output=True,
        text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_PATH": "", "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )
    assert result.returncode == 0, result.stderr
    assert f"Phishing — {phishing.label}" in result.stdout
    assert "How to defend:" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no database, no history: stdin is not a terminal


def test_console_lookups_are_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, glossary: Glossary) -> None:
    db = tmp_path / "console.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    run_ask(["what is xss", "lol", "how does it work"])
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 0
    xss, phishing = entry_of(glossary, "Cross-Site Scripting"), entry_of(glossary, "Phishing")
    assert logged_lookups(db) == [("cli-ask", "what is xss", "define", xss), ("cli-ask", "lol", "none", None),
                                  ("cli-ask", "how does it work", "how", xss),
                                  ("cli-define", "phishing", "define", phishing)]


def test_chat_logs_with_source_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, glossary: Glossary) -> None:
    db = tmp_path / "chat.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    monkeypatch.setattr("sys.stdin", io.StringIO("what is phishing\n\nquit\n"))
    assert main(["--glossary", str(GLOSSARY), "chat"]) == 0
    assert logged_lookups(db) == [("console", "what is phishing", "define", entry_of(glossary, "Phishing"))]


@pytest.mark.parametrize("command", ["define", "ask", "chat"])
def test_dotenv_database_path_is_honoured(command: str, dotenv_database: Path, monkeypatch: pytest.MonkeyPatch,
                                          data_dir: Path) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("phishing\n"))
    argv = ["--glossary", str(GLOSSARY), command] + (["phishing"] if command == "define" else [])
    assert main(argv) == 0
    assert [row[1] for row in logged_lookups(dotenv_database)] == ["phishing"]
    assert not data_dir.exists()


def test_default_log_is_in_the_user_data_dir_not_the_working_dir(
    workdir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 0
    assert list(workdir.iterdir()) == []
    assert [row[0] for row in logged_lookups(data_dir / "cyberglossary.sqlite3")] == ["cli-define"]


def test_no_log_and_empty_database_path(workdir: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PATH", "")
    run_ask(["what is xss"])
    monkeypatch.delenv("DATABASE_PATH")
    assert main(["--glossary", str(GLOSSARY), "define", "--no-log", "phishing"]) == 0
    assert list(workdir.iterdir()) == [] and not data_dir.exists()


def test_a_log_that_cannot_be_written_is_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing-dir" / "db.sqlite3"))
    assert main(["--glossary", str(GLOSSARY), "define", "phishing"]) == 0
    captured = capsys.readouterr()
    assert "Phishing" in captured.out
    assert captured.err.startswith("warning: 1 lookup(s) not logged") and "Traceback" not in captured.err
