"""The console commands: ask --json (the measured interface), define, chat, and fast start."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, cmd_ask, main

ROOT = Path(__file__).resolve().parents[2]


def run_ask(lines: list[str], *extra: str) -> list[dict]:
    args = build_parser().parse_args(["ask", "--json", *extra])
    out = io.StringIO()
    assert cmd_ask(args, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_ask_json_fields_and_follow_ups() -> None:
    records = run_ask(["what is xss", "how do you defend against it?", "thanks!", "injection"])
    assert [set(r) for r in records] == [{"query", "intent", "term", "entry", "score", "suggestions", "reply"}] * 4
    first, follow, chatter, unsure = records
    assert (first["term"], first["entry"], first["intent"]) == ("Cross-Site Scripting", 26, "define")
    assert "Cross-Site Scripting" in first["reply"]
    assert (follow["term"], follow["intent"]) == ("Cross-Site Scripting", "defend")
    assert chatter["intent"] == "none" and chatter["term"] is None and chatter["entry"] is None
    assert unsure["term"] is None and "SQL Injection" in unsure["suggestions"]


def test_ask_no_context() -> None:
    records = run_ask(["what is xss", "how do you defend against it?"], "--no-context")
    assert records[1]["term"] is None


def test_define_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["define", "phishing"]) == 0
    assert "Entry № 152" in capsys.readouterr().out
    assert main(["define", "qwzx", "plorb"]) == 1


def test_glossary_dir_from_environment(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GLOSSARY_DIR", str(ROOT / "tests/data/glossaries/valid"))
    assert main(["define", "alpha worm"]) == 0
    assert "Alpha Worm" in capsys.readouterr().out


def test_invalid_glossary_is_reported_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--glossary", str(ROOT / "tests/data/glossaries/unknown_related"), "define", "x"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "does not exist" in err


def test_console_commands_do_not_import_discord() -> None:
    code = (
        "import sys, io; sys.stdin = io.StringIO('what is xss\\n'); from bot.cli import main; "
        "main(['ask', '--json']); assert 'discord' not in sys.modules, 'discord imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DATABASE_PATH": ""})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["term"] == "Cross-Site Scripting"


def test_chat_session_with_follow_up() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="what is phishing\nhow do you defend against it?\nquit\n",
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "DATABASE_PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "Phishing — Entry № 152" in result.stdout
    assert "How to defend:" in result.stdout


def test_run_without_token_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={**env, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN" in result.stderr


def test_console_lookups_are_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    db = tmp_path / "console.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    run_ask(["what is xss", "lol", "how does it work"])
    assert main(["define", "phishing"]) == 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT source, query, intent, entry FROM lookups ORDER BY id").fetchall()
    assert rows == [("cli-ask", "what is xss", "define", 26), ("cli-ask", "lol", "none", None),
                    ("cli-ask", "how does it work", "how", 26), ("cli-define", "phishing", "define", 152)]


def test_no_log_and_empty_database_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLOSSARY_DIR", str(ROOT / "glossary_data"))
    monkeypatch.setenv("DATABASE_PATH", "")
    run_ask(["what is xss"])
    monkeypatch.delenv("DATABASE_PATH")
    assert main(["define", "--no-log", "phishing"]) == 0
    assert list(tmp_path.iterdir()) == []
