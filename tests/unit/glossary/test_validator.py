"""The validator reports each kind of problem as path:line: message, one fixture directory per kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.glossary import GlossaryError, load_glossary
from bot.glossary.validator import count_sentences, validate_directory

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "glossaries"


def problems_of(case: str) -> list[str]:
    _, problems = validate_directory(FIXTURES / case)
    return [str(p) for p in problems]


def test_valid_fixture_has_no_problems() -> None:
    entries, problems = validate_directory(FIXTURES / "valid")
    assert problems == []
    assert sorted(e.term for e in entries) == ["Alpha Worm", "Beta Virus"]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("malformed", "alpha-worm.yaml:5: malformed YAML"),
        ("missing_field", "alpha-worm.yaml:1: missing field 'definition'"),
        ("mistyped", "alpha-worm.yaml:1: field 'entry' must be a positive whole number"),
        ("mistyped", "alpha-worm.yaml:9: field 'examples' must be a list of text items, not text"),
        ("long_definition", "alpha-worm.yaml:4: definition is 279 characters, at most 200 allowed"),
        ("two_sentences", "alpha-worm.yaml:4: definition must be exactly one sentence"),
        ("duplicate_number", "beta-virus.yaml:1: entry number 7 is also used by"),
        ("duplicate_alias", "beta-virus.yaml:13: name 'a w' is already used by 'A-W'"),
        ("unknown_related", "alpha-worm.yaml:14: related term 'Gamma Trojan' does not exist"),
        ("unknown_category", "alpha-worm.yaml:3: unknown category 'Basket Weaving'"),
        ("unknown_field", "alpha-worm.yaml:14: unknown field 'colour'"),
        ("few_examples", "alpha-worm.yaml:10: field 'examples' needs at least 2 items, has 1"),
    ],
)
def test_each_kind_of_problem_is_reported_with_its_line(case: str, expected: str) -> None:
    problems = problems_of(case)
    assert any(expected in p for p in problems), problems
    for problem in problems:
        path, line, message = problem.split(":", 2)
        assert path.endswith(".yaml") and line.isdigit() and message.strip()


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    for case in ("missing_field", "unknown_related"):
        source = FIXTURES / case / "malware" / "alpha-worm.yaml"
        name = case.replace("_", " ").title()
        target = tmp_path / "malware" / f"{case.replace('_', '-')}.yaml"
        target.parent.mkdir(exist_ok=True)
        text = source.read_text().replace("Alpha Worm", name)
        target.write_text(text.replace("entry: 1", f"entry: {len(case)}"))
    _, problems = validate_directory(tmp_path)
    messages = " | ".join(p.message for p in problems)
    assert "missing field 'definition'" in messages
    assert "does not exist" in messages


def test_loading_an_invalid_glossary_raises_with_the_same_messages() -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary(FIXTURES / "duplicate_number")
    assert [str(p) for p in info.value.problems] == problems_of("duplicate_number")


def test_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    _, problems = validate_directory(tmp_path / "nope")
    assert problems and "not found" in problems[0].message


def test_cli_validate_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(FIXTURES / "valid")]) == 0
    assert main(["validate", str(FIXTURES / "unknown_related")]) == 1
    out = capsys.readouterr().out
    assert "related term 'Gamma Trojan' does not exist" in out


def test_binary_garbage_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "malware").mkdir()
    (tmp_path / "malware" / "x.yaml").write_bytes(b"\xff\xfe\x00garbage")
    _, problems = validate_directory(tmp_path)
    assert problems and problems[0].line == 1


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("One sentence, e.g. with an abbreviation.", 1),
        ("First. Second one here.", 2),
        ("It uses v1.2 of the protocol. Then it stops! Why? Because.", 4),
    ],
)
def test_count_sentences(text: str, count: int) -> None:
    assert count_sentences(text) == count
