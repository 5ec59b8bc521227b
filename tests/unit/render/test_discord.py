"""Discord rendering: every embed and component within Discord's limits, however long an entry is."""

from __future__ import annotations

import discord
import pytest

from bot.engine import GlossaryEngine
from bot.engine.questions import INTENTS
from bot.glossary import Glossary
from bot.glossary.model import Entry
from bot.render.discord import (
    PAGE_SIZE,
    answer_embed,
    browse_page,
    echo,
    faq_choices,
    non_answer_text,
    related_options,
    suggestion_choices,
    totd_embed,
    totd_status_text,
)
from bot.totd import TotdStatus

HUGE = Entry(
    entry=999,
    term="T" * 300,
    category="Malware",
    definition="D" * 200 + ".",
    description="Long sentence here. " * 400,
    how_it_works="Step. " * 2000,
    defences=tuple(f"Do the specific thing number {i}. " * 40 for i in range(30)),
    examples=tuple(f"Example {i}. " * 100 for i in range(30)),
    aliases=tuple(f"Alias {i} " * 20 for i in range(40)),
    related=tuple(f"Rel {i}" for i in range(40)),
)


def check_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert len(field.name) <= 256 and 0 < len(field.value) <= 1024
    assert len(embed.footer.text or "") <= 2048


@pytest.mark.parametrize("intent", [i for i in INTENTS if i != "none"])
def test_huge_entry_fits_every_limit(glossary: Glossary, intent: str) -> None:
    engine = GlossaryEngine(Glossary.of([*glossary.entries, HUGE]))
    answer = engine.answer_for(HUGE, intent)  # type: ignore[arg-type]
    check_limits(answer_embed(answer))
    check_limits(totd_embed(HUGE, "2026-11-26"))


def test_real_entries_show_the_whole_page(engine: GlossaryEngine) -> None:
    for entry in engine.glossary:
        embed = answer_embed(engine.answer_for(entry, "define"))
        check_limits(embed)
        assert embed.title == entry.term and entry.definition in (embed.description or "")
        assert entry.label in (embed.footer.text or "") and entry.category in (embed.footer.text or "")
        names = [f.name for f in embed.fields]
        assert names[0] == "Examples" and "Related terms" in names


def test_faq_choices_offer_the_other_questions(engine: GlossaryEngine, glossary: Glossary) -> None:
    entry = glossary.entries[0]
    for intent in ("define", "how", "defend"):
        choices = faq_choices(engine.answer_for(entry, intent))  # type: ignore[arg-type]
        assert intent not in [c.intent for c in choices] and 0 < len(choices) <= 5
        assert all(c.entry == entry.entry and 0 < len(c.label) <= 80 for c in choices)


def test_related_options_are_known_unique_and_not_the_entry(glossary: Glossary) -> None:
    for entry in glossary:
        options = related_options(entry, glossary)
        values = [int(o.value) for o in options]
        assert len(values) == len(set(values)) <= 25 and entry.entry not in values
        assert all(glossary.by_number(v) is not None for v in values)


def test_suggestions_first_is_primary(glossary: Glossary) -> None:
    choices = suggestion_choices(list(glossary.entries[:7]))
    assert len(choices) == 5 and [c.primary for c in choices] == [True, False, False, False, False]
    assert choices[0].label == glossary.entries[0].term


def test_echo_neutralises_mentions_and_markdown() -> None:
    text = echo("@everyone <@&123456789012345678> **bold** " + "x" * 500)
    assert "@everyone" not in text and "<@&123456789012345678>" not in text and "\\*\\*bold" in text
    assert len(text) <= 100


def test_non_answer_texts(engine: GlossaryEngine) -> None:
    assert "Did you mean" in non_answer_text(engine.ask("what is injection"))
    assert "no entry" in non_answer_text(engine.ask("what is a nonce"))
    assert "Ask me about" in non_answer_text(engine.ask("lol"))


def test_browse_pages(glossary: Glossary) -> None:
    for index, category in enumerate(glossary.categories()):
        count = len(glossary.in_category(category))
        pages = -(-count // PAGE_SIZE)
        first = browse_page(glossary, index, 0)
        check_limits(first.embed)
        assert (first.pages, first.page) == (pages, 0) and first.embed.title == category
        assert f"Page 1/{pages} · {count} entries" in (first.embed.footer.text or "")
        last = browse_page(glossary, index, 10_000)
        assert last.page == pages - 1 and f"Page {pages}/{pages}" in (last.embed.footer.text or "")
        assert (last.embed.description or "").count("\n") + 1 == count - (pages - 1) * PAGE_SIZE


def test_totd_status_text() -> None:
    off = TotdStatus(1, False, None, None, None, None, None, None, None, None)
    assert "/glossary totd set" in totd_status_text(off, None)
    on = TotdStatus(1, True, 5, "09:00", "Europe/Berlin", None, None, None, "Missing Access", None)
    text = totd_status_text(on, "<#5>")
    assert "**09:00** (Europe/Berlin) in <#5>" in text and "Last error: Missing Access" in text
