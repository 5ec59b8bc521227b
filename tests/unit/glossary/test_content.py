"""CONTENT CHECKS, not behaviour tests: lints over the real glossary_data against docs/glossary-format.md.

Each check goes over every entry and lists every problem as ``path: message``, so a curator sees all of them in
one run (like ``cyberglossary validate``). A failure here means the content needs fixing, not the code; the
validator's and loader's behaviour is tested on small fixtures in test_validator.py and test_loader.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz

from bot.glossary import Entry, Glossary
from bot.glossary.validator import count_sentences, validate_directory

ROOT = Path(__file__).resolve().parents[3]
CANONICAL = yaml.safe_load((ROOT / "tests/data/terms.yaml").read_text(encoding="utf-8"))


def problems_per_entry(glossary: Glossary, check: Callable[[Entry], Iterable[str]]) -> list[str]:
    """Every message ``check`` gives for every entry, as ``path: message``."""
    return [f"{e.path}: {message}" for e in glossary for message in check(e)]


def test_glossary_data_validates() -> None:
    _, problems = validate_directory(ROOT / "glossary_data")
    assert [str(p) for p in problems] == []


def test_the_glossary_is_exactly_the_canonical_term_list(glossary: Glossary) -> None:
    problems = []
    for item in CANONICAL:
        entry = glossary.by_number(item["entry"])
        if entry is None:
            problems.append(f"entry {item['entry']} ({item['term']}) is missing")
            continue
        if (entry.term, entry.category) != (item["term"], item["category"]):
            problems.append(f"{entry.path}: is {entry.term!r} in {entry.category!r}, canonical list says "
                            f"{item['term']!r} in {item['category']!r}")
        missing = {a.lower() for a in item["aliases"]} - {a.lower() for a in entry.aliases}
        if missing:
            problems.append(f"{entry.path}: canonical aliases missing: {sorted(missing)}")
    canonical_numbers = {item["entry"] for item in CANONICAL}
    problems += [f"{e.path}: entry {e.entry} is not in the canonical list" for e in glossary
                 if e.entry not in canonical_numbers]
    assert problems == []


@pytest.mark.parametrize(
    ("rule", "check"),
    [
        ("entry numbers are 1..9999", lambda e: [] if 1 <= e.entry <= 9999 else [f"entry number {e.entry}"]),
        ("3-6 defences", lambda e: [] if 3 <= len(e.defences) <= 6 else [f"{len(e.defences)} defences"]),
        ("3-6 related terms", lambda e: [] if 3 <= len(e.related) <= 6 else [f"{len(e.related)} related terms"]),
        ("at least 2 examples", lambda e: [] if len(e.examples) >= 2 else [f"{len(e.examples)} examples"]),
    ],
)
def test_list_sizes_follow_the_format(glossary: Glossary, rule: str, check: Callable[[Entry], list[str]]) -> None:
    assert problems_per_entry(glossary, check) == [], rule


def test_defences_are_specific_not_platitudes(glossary: Glossary) -> None:
    platitudes = ("combine technical controls and operational practices", "stay vigilant", "layered approach")

    def check(e: Entry) -> list[str]:
        return [f"defence {i + 1} is a platitude: {item!r}" for i, item in enumerate(e.defences)
                if any(p in item.lower() for p in platitudes)]

    assert problems_per_entry(glossary, check) == []


def test_no_urls_anywhere_in_an_entry(glossary: Glossary) -> None:
    def check(e: Entry) -> list[str]:
        fields = {"definition": e.definition, "description": e.description, "how_it_works": e.how_it_works}
        fields |= {f"{name}[{i}]": item for name in ("defences", "examples", "references")
                   for i, item in enumerate(getattr(e, name))}
        return [f"{name} holds a URL" for name, text in fields.items() if "http://" in text or "https://" in text]

    assert problems_per_entry(glossary, check) == []


def test_how_it_works_is_a_short_explanation(glossary: Glossary) -> None:
    def check(e: Entry) -> list[str]:
        n = count_sentences(e.how_it_works)
        return [] if 2 <= n <= 6 else [f"how_it_works has {n} sentence(s), 2-6 expected"]

    assert problems_per_entry(glossary, check) == []


def test_no_two_definitions_are_near_duplicates(glossary: Glossary) -> None:
    close = [
        f"{a.path}: definition nearly repeats {b.path}"
        for a, b in combinations(glossary.entries, 2)
        if fuzz.ratio(a.definition.lower(), b.definition.lower()) >= 80
    ]
    assert close == []
