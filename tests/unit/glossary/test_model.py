"""The entry model: slugs, labels, names, and a Glossary indexed by number, by name and by category."""

from __future__ import annotations

import pytest

from bot.glossary.model import CATEGORIES, Entry, Glossary, slugify


def entry(number: int, term: str, category: str = "Malware", aliases: tuple[str, ...] = ()) -> Entry:
    return Entry(entry=number, term=term, category=category, definition="d.", description="a. b.",
                 how_it_works="h.", defences=("x",), examples=("e1", "e2"), aliases=aliases)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("AI & ML Security", "ai-and-ml-security"),
        ("Cross-Site Scripting", "cross-site-scripting"),
        ("ISO/IEC 27001", "iso-iec-27001"),
        ("  --Weird__Name!!  ", "weird-name"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_every_category_has_a_distinct_slug() -> None:
    assert len({slugify(c) for c in CATEGORIES}) == len(CATEGORIES)


def test_label_and_names() -> None:
    e = entry(7, "Alpha Worm", aliases=("AW",))
    assert e.label == "Entry № 007"
    assert e.names == ("Alpha Worm", "AW")


def test_glossary_orders_and_indexes_entries() -> None:
    worm = entry(9, "Alpha Worm", aliases=("A-W",))
    phish = entry(3, "Beta Phish", category="Social Engineering")
    odd = entry(5, "Gamma Thing", category="Not A Known Category")
    glossary = Glossary.of([worm, phish, odd])
    assert len(glossary) == 3
    assert [e.entry for e in glossary] == [3, 5, 9]
    assert glossary.by_number(9) is worm and glossary.by_number(4) is None
    assert glossary.by_name("alpha  worm") is worm and glossary.by_name("a w") is worm
    assert glossary.by_name("nothing") is None
    assert glossary.categories() == ["Malware", "Social Engineering", "Not A Known Category"]
    assert glossary.in_category("Malware") == [worm]


def test_the_first_entry_keeps_a_name_two_entries_share() -> None:
    first, second = entry(1, "Alpha Worm"), entry(2, "Beta", aliases=("Alpha Worm",))
    assert Glossary.of([second, first]).by_name("Alpha Worm") is first
