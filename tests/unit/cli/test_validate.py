"""cyberglossary validate [DIR]: path:line problems, exit codes, the glossary directory setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.glossary import Glossary
from tests.unit.cli.support import ROOT


def test_valid_directory_reports_its_entry_count(capsys: pytest.CaptureFixture[str], glossary: Glossary) -> None:
    directory = ROOT / "glossary_data"
    assert main(["validate", str(directory)]) == 0
    assert capsys.readouterr().out.strip() == f"{directory}: {len(glossary)} entries, no problems"


def test_problems_are_path_line_messages_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    directory = ROOT / "tests/data/glossaries/unknown_related"
    assert main(["validate", str(directory)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all(line.split(":")[1].isdigit() for line in lines)
    assert f"problem(s) in {directory}" in captured.err


def test_directory_defaults_to_the_glossary_setting(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GLOSSARY_DIR", raising=False)
    valid = ROOT / "tests/data/glossaries/valid"
    (workdir / ".env").write_text(f"GLOSSARY_DIR={valid}\n")
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith(f"{valid}: ")
