"""The cyberglossary entry point: every command and flag the README names, settings once, python -m bot."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bot.cli
from bot.cli import build_parser, settings_for
from bot.config import settings_from
from tests.unit.cli.support import ROOT


@pytest.mark.parametrize(
    "argv",
    [["chat"], ["define", "phishing"], ["ask", "--json", "--no-context", "--no-log"], ["validate", "dir"], ["run"],
     ["stats", "--days", "3"], ["totd", "--date", "2026-01-01", "--guild", "5"],
     ["--glossary", "g", "chat", "--no-log"]],
)
def test_the_readme_commands_parse(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert callable(args.func) and args.command == next(a for a in argv if not a.startswith("-") and a != "g")


def test_command_line_options_override_settings() -> None:
    settings = settings_from({"DATABASE_PATH": "env.sqlite3", "GLOSSARY_DIR": "env-glossary"})
    args = build_parser().parse_args(["--glossary", "cli-glossary", "stats", "--database", "cli.sqlite3"])
    changed = settings_for(args, settings)
    assert (changed.glossary_dir, changed.database_path) == ("cli-glossary", "cli.sqlite3")
    unchanged = settings_for(build_parser().parse_args(["stats"]), settings)
    assert unchanged == settings


def test_console_script_points_at_main() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["cyberglossary"].partition(":")
    assert module == "bot.cli" and getattr(bot.cli, name) is bot.cli.main


def test_python_dash_m_bot_lists_every_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0
    for command in ("chat", "define", "ask", "validate", "run", "stats", "totd"):
        assert command in result.stdout
