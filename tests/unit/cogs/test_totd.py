"""The TOTD cog: the loop asks the service what is due, survives failures; the post says when it surely failed."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import discord
import pytest

from bot.engine import GlossaryEngine
from bot.totd import TotdDeliveryError
from cogs.totd import POLL_SECONDS, TermOfTheDay
from tests.unit.discord_ui.mocks import mock_bot


def http_error(kind: type[discord.HTTPException], status: int) -> discord.HTTPException:
    return kind(mock.Mock(status=status, reason="x"), "x")


def test_loop_polls_and_totd_group_is_guild_only() -> None:
    assert TermOfTheDay.post_due.seconds == POLL_SECONDS
    assert TermOfTheDay.totd.guild_only and [c.name for c in TermOfTheDay.totd.commands] == ["today"]
    assert TermOfTheDay.totd.default_permissions is None  # /totd today is for everyone


async def test_loop_body_posts_what_is_due_and_survives_errors(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    bot.totd_service.run_due_now = mock.AsyncMock(side_effect=[RuntimeError("db locked"), []])
    cog = TermOfTheDay(bot)
    await cog.post_due.coro(cog)
    await cog.post_due.coro(cog)
    assert bot.totd_service.run_due_now.await_args_list == [mock.call(cog.post), mock.call(cog.post)]


@pytest.mark.parametrize(
    ("where", "error"),
    [("fetch", http_error(discord.NotFound, 404)), ("fetch", http_error(discord.Forbidden, 403)),
     ("send", http_error(discord.Forbidden, 403)), ("send", http_error(discord.NotFound, 404))],
)
async def test_post_failures_that_surely_sent_nothing(engine: GlossaryEngine, where: str, error: Any) -> None:
    bot = mock_bot(engine)
    bot.get_channel.return_value = None
    channel = mock.create_autospec(discord.TextChannel, instance=True)
    if where == "fetch":
        bot.fetch_channel.side_effect = error
    else:
        bot.fetch_channel.return_value = channel
        channel.send.side_effect = error
    bot.replies.totd_parts.return_value = {"content": "x"}
    with pytest.raises(TotdDeliveryError):
        await TermOfTheDay(bot).post(1, 5, engine.glossary.entries[0], date(2026, 3, 2))


async def test_post_returns_the_message_id(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    channel = mock.create_autospec(discord.TextChannel, instance=True)
    channel.send.return_value.id = 1234
    bot.get_channel.return_value = channel
    bot.replies.totd_parts.return_value = {"content": "x"}
    entry = engine.glossary.entries[0]
    assert await TermOfTheDay(bot).post(1, 5, entry, date(2026, 3, 2)) == 1234
    bot.replies.totd_parts.assert_awaited_once_with(entry, "2026-03-02")
    assert channel.send.call_args.kwargs["allowed_mentions"].to_dict() == {"parse": []}
