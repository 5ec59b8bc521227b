"""Loading a glossary directory: a valid one becomes a Glossary, an invalid one is refused with every problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.glossary import Glossary, GlossaryError, load_glossary
from bot.glossary.validator import validate_directory

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "glossaries"


def test_a_valid_directory_loads_every_entry() -> None:
    glossary = load_glossary(FIXTURES / "valid")
    entries, _ = validate_directory(FIXTURES / "valid")
    assert isinstance(glossary, Glossary)
    assert [e.entry for e in glossary] == sorted(e.entry for e in entries)
    assert {e.term for e in glossary} == {e.term for e in entries}


def test_an_invalid_directory_raises_with_the_validators_problems() -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary(FIXTURES / "duplicate_number")
    _, problems = validate_directory(FIXTURES / "duplicate_number")
    assert info.value.problems == problems
    assert str(info.value).splitlines()[1:] == [str(p) for p in problems]


def test_a_long_problem_list_is_shortened_in_the_message_but_kept_whole(tmp_path: Path) -> None:
    source = FIXTURES / "unknown_category" / "malware" / "alpha-worm.yaml"
    for i in range(60):
        (tmp_path / "malware").mkdir(exist_ok=True)
        shutil.copy(source, tmp_path / "malware" / f"copy-{i:02d}.yaml")
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path)
    problems = info.value.problems
    assert len(problems) > 50
    message = str(info.value)
    assert message.startswith(f"{len(problems)} problem(s)")
    assert message.endswith(f"... and {len(problems) - 50} more")
    assert str(problems[49]) in message and str(problems[50]) not in message


def test_a_missing_directory_is_refused_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary(tmp_path / "nowhere")
