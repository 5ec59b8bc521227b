"""Validator behaviour on small fixture glossaries (tests/data/glossaries, one directory per kind of problem) and
on files written in tmp: every problem, as path:line: message, with the line it is on, whatever YAML style the
curator used. (Checks of the real glossary_data content live in test_content.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.glossary.validator import check_file, count_sentences, validate_directory

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


VALID = (FIXTURES / "valid" / "malware" / "alpha-worm.yaml").read_text(encoding="utf-8")
PATH = "malware/alpha-worm.yaml"


def lines_of(text: str) -> dict[str, int]:
    """1-based line of each top-level key in ``text``, found by reading the text itself."""
    return {line.split(":", 1)[0]: n for n, line in enumerate(text.splitlines(), 1) if line[:1].isalpha()}


def test_the_valid_fixture_file_checks_clean_and_reports_its_field_lines() -> None:
    entry, problems, lines = check_file(PATH, VALID)
    assert problems == [] and entry is not None and entry.term == "Alpha Worm"
    keys = lines_of(VALID)
    assert lines["entry"] == keys["entry"] and lines["term"] == keys["term"]
    assert lines["related[0]"] == keys["related"] + 1  # the item under the key


@pytest.mark.parametrize(
    ("style", "below_key"),
    [
        ("definition: >-\n  Alpha Worm is a made-up fixture term\n  that is far too long {pad}.\n", 0),
        ("definition: |\n  Alpha Worm is a made-up fixture term that is far too long {pad}.\n", 0),
        ("definition: \"Alpha Worm is a made-up fixture term that is far too long {pad}.\"\n", 0),
        ("definition: 'Alpha Worm is a made-up fixture term that is far too long {pad}.'\n", 0),
        ("definition:\n  Alpha Worm is a made-up fixture term\n  that is far too long {pad}.\n", 1),
    ],
    ids=["folded", "literal", "double-quoted", "single-quoted", "multi-line plain"],
)
def test_problem_lines_are_right_in_every_scalar_style(style: str, below_key: int) -> None:
    """A problem with a value is reported on the line where the value starts (the key's line, or the next one
    when the text only starts there)."""
    text = VALID.replace(
        "definition: Alpha Worm is a made-up fixture term used to test the validator.\n",
        "# a comment line first\n\n" + style.format(pad="x" * 220),
    )
    _, problems, _ = check_file(PATH, text)
    where = next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("definition:"))
    assert [(p.line, p.message.split(" is ")[0]) for p in problems] == [(where + below_key, "definition")]


def test_list_item_problems_point_at_the_item() -> None:
    text = VALID.replace("  - A test loads this file.\n", "  - A test loads this file.\n  - 2026-01-01\n  - ''\n")
    _, problems, _ = check_file(PATH, text)
    item_lines = {line.strip(): n for n, line in enumerate(text.splitlines(), 1)}
    date_line, empty_line = item_lines["- 2026-01-01"], item_lines["- ''"]
    assert [str(p) for p in problems] == [
        f"{PATH}:{date_line}: item 3 of 'examples' must be text, not a date",
        f"{PATH}:{empty_line}: item 4 of 'examples' is empty",
    ]


def test_flow_lists_are_read_like_block_lists() -> None:
    text = VALID.replace("aliases:\n  - AW\n", "aliases: [AW, 'A. W.']\n")
    entry, problems, lines = check_file(PATH, text)
    assert problems == [] and entry is not None and entry.aliases == ("AW", "A. W.")
    assert lines["aliases[1]"] == lines_of(text)["aliases"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [("yes", "true/false"), ("3.5", "a number"), ("2026-11-26", "a date"), ("~", "nothing"), ("{a: b}", "a mapping")],
)
def test_values_yaml_reads_as_other_types_are_not_text(value: str, kind: str) -> None:
    text = VALID.replace("term: Alpha Worm", f"term: {value}")
    _, problems, _ = check_file(PATH, text)
    assert f"{PATH}:{lines_of(text)['term']}: field 'term' must be text, not {kind}" in [str(p) for p in problems]


def test_every_problem_in_one_file_is_reported() -> None:
    text = VALID.replace("entry: 1", "entry: -3").replace("category: Malware", "category: Knitting")
    text = text.replace("examples:\n  - A curator adds an entry and CI reports the problem.\n", "examples:\n")
    text += "colour: blue\n"
    _, problems, _ = check_file(PATH, text)
    keys = lines_of(text)
    assert [(p.line, p.message) for p in problems] == [
        (keys["colour"], "unknown field 'colour'"),
        (keys["entry"], "field 'entry' must be a positive whole number, not -3"),
        (keys["examples"] + 1, "field 'examples' needs at least 2 items, has 1"),
        (keys["category"], "unknown category 'Knitting'"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("entry: 1\nterm: [unclosed\ncategory: Malware\n", "malformed YAML"),
        ("- just\n- a list\n", "must hold one mapping of fields, not a list"),
        ("", "must hold one mapping of fields, not nothing"),
        ("a: 1\n---\nb: 2\n", "malformed YAML"),
        ("entry: 1\nterm: 2026-02-30\n", "malformed YAML"),
        ("entry: 1\nterm: bell \x07 character\n", "malformed YAML"),
    ],
    ids=["unclosed flow", "a list", "empty", "two documents", "impossible date", "control character"],
)
def test_unreadable_documents_are_one_problem_not_a_crash(text: str, reason: str) -> None:
    entry, problems, _ = check_file("bad.yaml", text)
    assert entry is None and len(problems) == 1 and reason in problems[0].message


def test_the_file_must_sit_at_its_category_and_term_slug(tmp_path: Path) -> None:
    (tmp_path / "network-security").mkdir()
    (tmp_path / "network-security" / "alpha.yaml").write_text(VALID, encoding="utf-8")
    entries, problems = validate_directory(tmp_path)
    assert entries == []  # an entry with problems of its own is not cross-checked
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'network-security' / 'alpha.yaml'}:1: file should be malware/alpha-worm.yaml"
        " for term 'Alpha Worm' in 'Malware'",
    ]


def _copy_valid(tmp_path: Path, alpha_extra: str = "", beta_extra: str = "") -> Path:
    for name, extra in (("alpha-worm.yaml", alpha_extra), ("beta-virus.yaml", beta_extra)):
        target = tmp_path / "malware" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text((FIXTURES / "valid" / "malware" / name).read_text() + extra)
    return tmp_path


def test_contrasts_are_read_into_the_entry_and_found_from_either_side(tmp_path: Path) -> None:
    note = "Alpha Worm spreads over the network by itself, while Beta Virus needs a host file to travel."
    root = _copy_valid(tmp_path, alpha_extra=f"contrasts:\n  Beta Virus: >-\n    {note}\n")
    entries, problems = validate_directory(root)
    assert problems == []
    alpha, beta = sorted(entries, key=lambda e: e.entry)
    assert alpha.contrasts == (("Beta Virus", note),)
    assert alpha.contrast_with("beta virus") == note and beta.contrast_with("Alpha Worm") is None
    from bot.glossary.model import Glossary

    assert Glossary.of(entries).contrast(beta, alpha) == note


@pytest.mark.parametrize(
    ("alpha_extra", "beta_extra", "expected"),
    [
        ("contrasts:\n  Gamma Trojan: " + "x" * 60 + "\n", "", "contrast term 'Gamma Trojan' does not exist"),
        ("contrasts:\n  Alpha Worm: " + "x" * 60 + "\n", "", "contrast term 'Alpha Worm' is this entry itself"),
        ("contrasts:\n  Beta: " + "x" * 60 + "\n", "", "should be the canonical name 'Beta Virus'"),
        ("contrasts:\n  Beta Virus: too short\n", "", "is 9 characters, 40-400 allowed"),
        ("contrasts:\n  - Beta Virus\n", "", "field 'contrasts' must be a mapping, not a list"),
        ("contrasts:\n  Beta Virus: " + "Alpha is one. " * 3 + "\n", "", "must be one or two sentences"),
        (
            "contrasts:\n  Beta Virus: " + "a" * 50 + "\n",
            "contrasts:\n  Alpha Worm: " + "b" * 50 + "\n",
            "keep it on one side",
        ),
    ],
)
def test_contrast_problems_are_reported_with_their_line(
    tmp_path: Path, alpha_extra: str, beta_extra: str, expected: str
) -> None:
    _, problems = validate_directory(_copy_valid(tmp_path, alpha_extra, beta_extra))
    messages = [str(p) for p in problems]
    assert any(expected in m for m in messages), messages
    assert all(m.split(":", 2)[1].isdigit() and m.split(":", 2)[1] != "1" for m in messages), messages
