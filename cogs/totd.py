"""/totd today for everyone, and the daily post.

A ``tasks.loop`` asks ``TotdService.run_due_now`` every 30 seconds to post whatever is due; the service's claim
ledger makes each call idempotent, so a restart, a reconnect or a second call in the same minute never posts
twice. The schedule is managed with ``/glossary totd …`` (``cogs/admin.py``). This module only sends.
"""

from __future__ import annotations

import logging
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.client import GlossaryBot
from bot.glossary.model import Entry
from bot.render.discord import NO_MENTIONS
from bot.totd import TotdDeliveryError

log = logging.getLogger(__name__)

POLL_SECONDS = 30


async def _messageable(bot: GlossaryBot, channel_id: int) -> discord.abc.Messageable:
    """The channel to post in; TotdDeliveryError when it is gone or not ours to see."""
    channel = bot.get_channel(channel_id)
    if channel is None:
        try:
            channel = await bot.fetch_channel(channel_id)
        except discord.NotFound:
            raise TotdDeliveryError(f"channel {channel_id} no longer exists") from None
        except discord.Forbidden:
            raise TotdDeliveryError(f"no access to channel {channel_id}") from None
    if not isinstance(channel, discord.abc.Messageable):
        raise TotdDeliveryError(f"channel {channel_id} cannot receive messages")
    return channel


class TermOfTheDay(commands.Cog):
    """Daily term per server."""

    totd = app_commands.Group(name="totd", description="Term of the day", guild_only=True)

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot
        self.service = bot.totd_service

    async def cog_load(self) -> None:
        """Start the daily-post loop (it waits until the bot is ready)."""
        self.post_due.start()

    async def cog_unload(self) -> None:
        """Stop the loop."""
        self.post_due.cancel()

    # -- the daily post -------------------------------------------------------------------------------------------
    @tasks.loop(seconds=POLL_SECONDS)
    async def post_due(self) -> None:
        """Post for every server whose time has come (the service never raises; this guards the loop anyway)."""
        try:
            await self.service.run_due_now(self.post)
        except Exception:
            log.exception("totd: posting what is due failed; trying again on the next run")

    @post_due.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def post(self, guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        """Send the post; TotdDeliveryError when it certainly was not sent (deleted channel, no permission)."""
        channel = await _messageable(self.bot, channel_id)
        parts = await self.bot.replies.totd_parts(entry, local_date.isoformat())
        try:
            message = await channel.send(**parts, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden:
            raise TotdDeliveryError(f"missing permission to post in channel {channel_id}") from None
        except discord.NotFound:
            raise TotdDeliveryError(f"channel {channel_id} no longer exists") from None
        return message.id

    # -- commands -------------------------------------------------------------------------------------------------
    @totd.command(name="today", description="Today's term of the day")
    async def today(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """This server's term for today, publicly."""
        assert interaction.guild_id is not None
        prediction = await self.service.term_for(interaction.guild_id)
        entry = self.bot.glossary.by_number(prediction.entry) if prediction else None
        if entry is None or prediction is None:
            await interaction.response.send_message("No term today.", ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        answer = await self.bot.replies.answer_for(entry, "define", query="/totd today")
        self.bot.replies.log(
            answer, source="totd", guild_id=interaction.guild_id, channel_id=interaction.channel_id,
            user_id=interaction.user.id,
        )
        parts = await self.bot.replies.totd_parts(entry, prediction.local_date.isoformat())
        await interaction.response.send_message(**parts, allowed_mentions=NO_MENTIONS)


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(TermOfTheDay(bot))
