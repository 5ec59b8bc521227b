"""The whole glossary: valid, complete against the canonical term list, no empty fields, no near-duplicates."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from bot.glossary import Glossary
from bot.glossary.validator import validate_directory

ROOT = Path(__file__).resolve().parents[3]
CANONICAL = yaml.safe_load((ROOT / "tests/data/terms.yaml").read_text(encoding="utf-8"))


def test_glossary_data_validates() -> None:
    _, problems = validate_directory(ROOT / "glossary_data")
    assert [str(p) for p in problems] == []


def test_every_canonical_term_is_present_with_number_category_and_aliases(glossary: Glossary) -> None:
    missing = []
    for item in CANONICAL:
        entry = glossary.by_number(item["entry"])
        if entry is None or entry.term != item["term"] or entry.category != item["category"]:
            missing.append(item["term"])
            continue
        assert {a.lower() for a in item["aliases"]} <= {a.lower() for a in entry.aliases}, entry.term
    assert missing == []
    assert len(glossary) == len(CANONICAL) == 300


def test_no_field_is_empty(glossary: Glossary) -> None:
    for e in glossary:
        assert e.definition and e.description and e.how_it_works, e.term
        assert len(e.defences) >= 3 and len(e.examples) >= 2, e.term
        assert 3 <= len(e.related) <= 6, e.term
        assert all(item.strip() for item in (*e.defences, *e.examples, *e.related)), e.term


def test_no_two_definitions_are_near_duplicates(glossary: Glossary) -> None:
    close = [
        (a.term, b.term)
        for a, b in combinations(glossary.entries, 2)
        if fuzz.ratio(a.definition.lower(), b.definition.lower()) >= 80
    ]
    assert close == []


def test_defences_are_not_platitudes(glossary: Glossary) -> None:
    banned = ("combine technical controls and operational practices", "stay vigilant", "layered approach")
    for e in glossary:
        for item in e.defences:
            assert not any(b in item.lower() for b in banned), (e.term, item)


def test_no_urls_in_content(glossary: Glossary) -> None:
    for e in glossary:
        text = " ".join((e.definition, e.description, e.how_it_works, *e.defences, *e.examples))
        assert "http://" not in text and "https://" not in text, e.term
