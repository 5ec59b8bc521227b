"""The define cog: autocomplete within Discord's limits, /browse choices cover the glossary's categories."""

from __future__ import annotations

import discord

from bot.engine import GlossaryEngine
from cogs.define import CATEGORY_CHOICES, Define
from tests.unit.discord_ui.mocks import mock_bot, mock_interaction


async def test_autocomplete_choices(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    bot.replies.complete.side_effect = lambda prefix, limit=25: engine.complete(prefix, limit)
    cog = Define(bot)
    interaction = mock_interaction()
    choices = await cog.term_autocomplete(interaction, "cross")
    assert 0 < len(choices) <= 25
    assert all(isinstance(c, discord.app_commands.Choice) and len(c.name) <= 100 for c in choices)
    assert [c.value for c in choices] == [e.term for e in engine.complete("cross", 25)]
    assert len(await cog.term_autocomplete(interaction, "")) == 25
    assert len(await cog.term_autocomplete(interaction, "x" * 5000)) <= 25
    assert all(len(call.args[0]) <= 100 for call in bot.replies.complete.call_args_list)


def test_browse_offers_every_category_as_a_choice(engine: GlossaryEngine) -> None:
    values = [c.value for c in CATEGORY_CHOICES]
    assert set(engine.glossary.categories()) <= set(values) and len(values) <= 25
    parameter = Define.browse.parameters[0]
    assert [c.value for c in parameter.choices] == values


async def test_define_and_browse_go_through_the_reply_service(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    bot.replies.define.side_effect = lambda term, conversation=None: engine.define(term, conversation=conversation)
    cog = Define(bot)
    interaction = mock_interaction()
    await Define.define.callback(cog, interaction, "phishing")
    answer = bot.replies.respond.call_args.args[1]
    assert answer.status == "answer" and bot.replies.respond.call_args.kwargs == {"source": "slash"}
    category = engine.glossary.categories()[0]
    await Define.browse.callback(cog, interaction, category)
    bot.replies.show_category.assert_awaited_once_with(interaction, category)
