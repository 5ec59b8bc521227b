"""The fast reader agrees with libyaml wherever it answers, and hands everything else to libyaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.glossary import fastyaml
from bot.glossary.validator import _FileChecker, _Loader, check_file

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted((ROOT / "glossary_data").rglob("*.yaml")) + sorted((ROOT / "tests/data/glossaries").rglob("*.yaml"))


def reference(text: str) -> _FileChecker:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return _FileChecker.from_node("x", node)


def test_every_glossary_file_takes_the_fast_path_and_agrees_with_libyaml() -> None:
    fast_count = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        fast = fastyaml.read(text)
        if fast is None:
            continue
        fast_count += 1
        ref = reference(text)
        assert fast.data == ref.data, path
        assert fast.key_lines == ref.key_lines and fast.value_lines == ref.value_lines, path
        assert fast.item_lines == ref.item_lines, path
    assert fast_count >= 300


@pytest.mark.parametrize(
    "text",
    [
        "term: Phishing\naliases: [a, b]\n",  # flow sequence
        "term: &x Phishing\n",  # anchor
        "term: yes\n",  # YAML 1.1 boolean
        "term: 1.5\n",  # float
        "term: 2026-01-01\n",  # date
        "term: a: b\n",  # colon-space
        "term: Phishing # note\n",  # inline comment
        "term: first line\n  second line\n",  # multi-line plain scalar
        'term: "esc\\"aped"\n',  # escapes
        "term:\n\tvalue\n",  # tab
        "related:\n  - one\n    - two\n",  # uneven list
        "term:\n",  # null
        "definition: >-\n  a\n    more indented\n",
        "---\nterm: x\n",
    ],
)
def test_outside_the_subset_goes_to_libyaml(text: str) -> None:
    assert fastyaml.read(text) is None


def test_subset_values() -> None:
    doc = fastyaml.read(
        "# comment\nentry: 24\nterm: 'It''s quoted'\ndefinition: >-\n  one\n  two\n\n  para\n"
        'aliases: []\nrelated:\n- "A B"\n- plain item\n'
    )
    assert doc is not None
    assert doc.data == {"entry": 24, "term": "It's quoted", "definition": "one two\npara", "aliases": [],
                        "related": ["A B", "plain item"]}
    assert doc.key_lines["definition"] == 4 and doc.item_lines["related"] == [11, 12]


def test_errors_still_come_from_libyaml_with_lines() -> None:
    _, problems, _ = check_file("bad.yaml", "entry: 1\nterm: [unclosed\ncategory: Malware\n")
    assert len(problems) == 1 and problems[0].line >= 2 and "malformed YAML" in problems[0].message
