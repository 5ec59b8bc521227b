"""Cogs with mocks built from real discord.py classes (autospec: a wrong attribute name fails the test)."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import discord

from bot.engine import GlossaryEngine
from cogs.ask import Ask
from cogs.define import Define


def fake_bot(engine: GlossaryEngine, *, opted: bool = False) -> mock.MagicMock:
    bot = mock.MagicMock()
    bot.engine = engine
    bot.glossary = engine.glossary
    bot.user = SimpleNamespace(id=999)
    bot.store.is_opted_in.return_value = opted
    return bot


def message(content: str, *, guild: bool = True, mentions_bot: bool = False, reply_to_bot: bool = False):
    msg = mock.create_autospec(discord.Message, instance=True)
    msg.content = content
    msg.guild = mock.create_autospec(discord.Guild, instance=True) if guild else None
    if guild:
        msg.guild.id = 1
    msg.channel = mock.create_autospec(discord.TextChannel, instance=True)
    msg.channel.id = 2
    msg.author = mock.create_autospec(discord.Member, instance=True)
    msg.author.id = 3
    msg.author.bot = False
    msg.webhook_id = None
    msg.mentions = [SimpleNamespace(id=999)] if mentions_bot else []
    if reply_to_bot:
        original = mock.create_autospec(discord.Message, instance=True)
        original.author = SimpleNamespace(id=999)
        msg.reference = SimpleNamespace(resolved=original)
    else:
        msg.reference = None
    return msg


def test_addressed_rules(engine: GlossaryEngine) -> None:
    cog = Ask(fake_bot(engine))
    assert cog._addressed(message("what is xss", guild=False)) == (True, True)
    assert cog._addressed(message("what is xss", mentions_bot=True)) == (True, True)
    assert cog._addressed(message("what is xss", reply_to_bot=True)) == (True, True)
    assert cog._addressed(message("what is xss")) == (False, False)
    assert Ask(fake_bot(engine, opted=True))._addressed(message("what is xss")) == (True, False)


async def test_bots_and_chatter_get_no_reply(engine: GlossaryEngine) -> None:
    bot = fake_bot(engine, opted=True)
    cog = Ask(bot)
    robot = message("what is xss", guild=False)
    robot.author.bot = True
    await cog.on_message(robot)
    chatter = message("ok thanks")
    await cog.on_message(chatter)
    robot.reply.assert_not_called()
    chatter.reply.assert_not_called()
    bot.log_lookup.assert_not_called()


async def test_mention_question_replies_without_pings_and_logs(engine: GlossaryEngine) -> None:
    bot = fake_bot(engine)
    bot.rate_limiter.hit.return_value = "ok"
    bot.render.return_value = {"content": "rendered"}
    msg = message("<@999> what is xss", mentions_bot=True)
    await Ask(bot).on_message(msg)
    kwargs = msg.reply.call_args.kwargs
    assert kwargs["allowed_mentions"].everyone is False and kwargs["mention_author"] is False
    answer = bot.log_lookup.call_args.args[0]
    assert answer.term == "Cross-Site Scripting" and bot.log_lookup.call_args.kwargs["source"] == "chat"


async def test_autocomplete_choices(engine: GlossaryEngine) -> None:
    cog = Define(fake_bot(engine))
    interaction = mock.create_autospec(discord.Interaction, instance=True)
    choices = await cog.term_autocomplete(interaction, "cross")
    assert 0 < len(choices) <= 25
    assert all(isinstance(c, discord.app_commands.Choice) and len(c.name) <= 100 for c in choices)
    assert choices[0].value in ("Cross-Site Scripting", "Cross-Site Request Forgery", "Cross-Origin Resource Sharing")
    assert len(await cog.term_autocomplete(interaction, "")) == 25
    assert len(await cog.term_autocomplete(interaction, "x" * 5000)) <= 25
