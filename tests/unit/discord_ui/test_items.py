"""Buttons and selects: custom_ids round-trip, clicks go to the reply service, failures reach the user."""

from __future__ import annotations

from typing import Any
from unittest import mock

import discord
import pytest

from bot.discord_ui.errors import APOLOGY
from bot.discord_ui.items import DYNAMIC_ITEMS, BrowseButton, FAQButton, RelatedSelect
from bot.engine import GlossaryEngine

from .mocks import mock_bot, mock_interaction, sent_text


def clicked_by(engine: GlossaryEngine) -> Any:
    interaction = mock_interaction()
    interaction.client = mock_bot(engine)
    return interaction


def first_entry(engine: GlossaryEngine) -> int:
    return engine.glossary.entries[0].entry


async def test_faq_button_round_trips_its_custom_id(engine: GlossaryEngine) -> None:
    number = first_entry(engine)
    button = FAQButton("defend", number)
    assert button.item.custom_id == f"cg:faq:defend:{number}"
    match = FAQButton.__discord_ui_compiled_template__.fullmatch(button.item.custom_id)
    assert match is not None
    rebuilt = await FAQButton.from_custom_id(clicked_by(engine), button.item, match)
    assert (rebuilt.intent, rebuilt.entry_number, rebuilt.item.label) == ("defend", number, button.item.label)


def test_unknown_intent_falls_back_to_define() -> None:
    assert FAQButton("nonsense", 1).intent == "define"


async def test_faq_click_asks_the_reply_service(engine: GlossaryEngine) -> None:
    interaction = clicked_by(engine)
    await FAQButton("how", first_entry(engine)).callback(interaction)
    interaction.client.replies.answer_entry.assert_awaited_once_with(
        interaction, first_entry(engine), "how", source="button"
    )


async def test_related_select_defines_the_choice_and_refuses_junk(engine: GlossaryEngine) -> None:
    entry = first_entry(engine)
    select = RelatedSelect(entry, [discord.SelectOption(label="x", value=str(entry))])
    interaction = clicked_by(engine)
    select.item._values = [str(entry)]  # what discord.py sets from the interaction
    await select.callback(interaction)
    interaction.client.replies.answer_entry.assert_awaited_once_with(interaction, entry, "define", source="select")
    junk = clicked_by(engine)
    select.item._values = ["drop table"]
    await select.callback(junk)
    assert sent_text(junk) == "Pick a term from the list." and not junk.client.replies.answer_entry.called


async def test_browse_click_turns_the_page(engine: GlossaryEngine) -> None:
    interaction = clicked_by(engine)
    await BrowseButton(2, 1).callback(interaction)
    interaction.client.replies.turn_page.assert_awaited_once_with(interaction, 2, 1)


@pytest.mark.parametrize("item", [FAQButton("how", 1), RelatedSelect(1), BrowseButton(0, 1)])
async def test_a_failing_click_tells_the_user(engine: GlossaryEngine, item: Any) -> None:
    interaction = clicked_by(engine)
    for name in ("answer_entry", "turn_page"):
        getattr(interaction.client.replies, name).side_effect = RuntimeError("database is locked")
    if isinstance(item, RelatedSelect):
        item.item._values = ["1"]
    with mock.patch("bot.discord_ui.errors.log"):
        await item.callback(interaction)
    assert sent_text(interaction) == APOLOGY


def test_every_item_is_registered_and_templates_do_not_overlap() -> None:
    ids = {FAQButton: "cg:faq:how:1", RelatedSelect: "cg:rel:1", BrowseButton: "cg:browse:0:1"}
    assert set(DYNAMIC_ITEMS) == set(ids)
    for item, custom_id in ids.items():
        matching = [i for i in DYNAMIC_ITEMS if i.__discord_ui_compiled_template__.fullmatch(custom_id)]
        assert matching == [item]
