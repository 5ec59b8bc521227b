"""Discord rendering: every embed and component within Discord's limits, however long an entry is."""

from __future__ import annotations

import discord
import pytest

from bot.engine import GlossaryEngine
from bot.engine.questions import INTENTS
from bot.glossary import Glossary
from bot.glossary.model import Entry
from bot.render.discord import (
    FAQButton,
    answer_embed,
    answer_view,
    browse_page,
    echo,
    non_answer_text,
    suggestion_view,
    totd_embed,
)

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


def test_view_components_within_limits(engine: GlossaryEngine, glossary: Glossary) -> None:
    for entry in glossary:
        view = answer_view(engine.answer_for(entry, "define"), glossary)
        assert view is not None
        rows = view.to_components()
        assert len(rows) <= 5
        for row in rows:
            assert len(row["components"]) <= 5
            for component in row["components"]:
                assert len(component["custom_id"]) <= 100
                if component["type"] == 3:
                    assert 1 <= len(component["options"]) <= 25
                    assert all(len(o["label"]) <= 100 for o in component["options"])


def test_faq_button_round_trips_its_custom_id() -> None:
    button = FAQButton("defend", 152)
    assert button.item.custom_id == "cg:faq:defend:152"
    match = FAQButton.__discord_ui_compiled_template__.fullmatch("cg:faq:defend:152")
    assert match and match["intent"] == "defend" and match["entry"] == "152"


def test_suggestions_are_buttons(glossary: Glossary) -> None:
    view = suggestion_view(list(glossary.entries[:7]))
    buttons = [c for row in view.to_components() for c in row["components"]]
    assert len(buttons) == 5 and buttons[0]["label"] == glossary.entries[0].term


def test_echo_neutralises_mentions_and_markdown() -> None:
    text = echo("@everyone <@&123456789012345678> **bold** " + "x" * 500)
    assert "@everyone" not in text and "<@&123456789012345678>" not in text and "\\*\\*bold" in text
    assert len(text) <= 100


def test_non_answer_texts(engine: GlossaryEngine) -> None:
    assert "Did you mean" in non_answer_text(engine.ask("what is injection"))
    assert "no entry" in non_answer_text(engine.ask("what is a nonce"))
    assert "Ask me about" in non_answer_text(engine.ask("lol"))


def test_browse_pages(glossary: Glossary) -> None:
    embed, view = browse_page(glossary, 0, 0)
    check_limits(embed)
    assert "Page 1/2" in (embed.footer.text or "")
    buttons = [c for row in view.to_components() for c in row["components"]]
    assert buttons[0]["disabled"] and not buttons[1]["disabled"]
    last, _ = browse_page(glossary, 0, 99)
    assert "Page 2/2" in (last.footer.text or "")
