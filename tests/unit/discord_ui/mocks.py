"""Mocks of the bot and of discord.py objects, specced from the real classes: a wrong attribute name fails.

``mock_bot`` is autospecced from a real ``GlossaryBot`` instance (python-discord's ``MockBot`` idea), with the
attributes that ``setup_hook`` creates declared from the class's annotations, so ``bot.replies`` exists but
``bot.replys`` or ``bot.rate_limiter`` raise ``AttributeError``.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest import mock

import discord

from bot.client import GlossaryBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.discord_ui.replies import ReplyService
from bot.engine import GlossaryEngine
from bot.storage.settings import SettingsStore
from bot.totd import TotdService

BOT_USER_ID = 999
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def mock_bot(engine: GlossaryEngine, *, settings: Settings | None = None, opted: bool = False) -> Any:
    """A ``GlossaryBot`` mock (spec_set from a real instance) with an autospecced reply service and stores."""
    settings = settings or Settings()
    spec = GlossaryBot(settings)
    for name in inspect.get_annotations(GlossaryBot):
        if not hasattr(spec, name):
            setattr(spec, name, None)
    bot = mock.create_autospec(spec, spec_set=True, instance=True)
    bot.settings = settings
    bot.clock = ManualClock(START)
    bot.engine = engine
    bot.glossary = engine.glossary
    bot.user = SimpleNamespace(id=BOT_USER_ID)
    bot.replies = mock.create_autospec(ReplyService, instance=True, spec_set=True)
    bot.replies.ask.side_effect = lambda text, conversation=None: engine.ask(text, conversation)
    bot.store = mock.create_autospec(SettingsStore, instance=True, spec_set=True)
    bot.store.is_opted_in.return_value = opted
    bot.totd_service = mock.create_autospec(TotdService, instance=True)
    bot.get_context.return_value = SimpleNamespace(valid=False)
    return bot


def mock_interaction(*, done: bool = False, guild_id: int | None = 1, user_id: int = 3) -> Any:
    """An ``Interaction`` mock whose response is (or is not yet) done."""
    interaction = mock.create_autospec(discord.Interaction, instance=True)
    interaction.response = mock.create_autospec(discord.InteractionResponse, instance=True)
    interaction.response.is_done.return_value = done
    interaction.followup = mock.create_autospec(discord.Webhook, instance=True)
    interaction.guild_id = guild_id
    interaction.channel_id = 2
    interaction.user = mock.create_autospec(discord.Member, instance=True)
    interaction.user.id = user_id
    interaction.command = None
    return interaction


def message(
    content: str, *, guild: bool = True, mentions_bot: bool = False, reply_to_bot: bool = False, author_id: int = 3
) -> Any:
    """A ``Message`` mock from a member (or in a DM)."""
    msg = mock.create_autospec(discord.Message, instance=True)
    msg.content = content
    msg.guild = mock.create_autospec(discord.Guild, instance=True) if guild else None
    if guild:
        msg.guild.id = 1
    msg.channel = mock.create_autospec(discord.TextChannel, instance=True)
    msg.channel.id = 2
    msg.author = mock.create_autospec(discord.Member, instance=True)
    msg.author.id = author_id
    msg.author.bot = False
    msg.webhook_id = None
    msg.mentions = [SimpleNamespace(id=BOT_USER_ID)] if mentions_bot else []
    if reply_to_bot:
        original = mock.create_autospec(discord.Message, instance=True)
        original.author = SimpleNamespace(id=BOT_USER_ID)
        msg.reference = SimpleNamespace(resolved=original)
    else:
        msg.reference = None
    return msg


def sent_text(interaction: Any) -> str:
    """The text of the one private message sent for ``interaction`` (response or followup)."""
    for sender in (interaction.response.send_message, interaction.followup.send):
        if sender.called:
            call = sender.call_args
            assert call.kwargs.get("ephemeral") is True
            assert call.kwargs["allowed_mentions"].to_dict() == {"parse": []}
            return call.args[0] if call.args else call.kwargs.get("content", "")
    raise AssertionError("nothing was sent")
