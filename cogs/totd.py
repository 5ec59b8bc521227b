"""/totd: today's term for everyone; schedule, switch off, status and preview for admins (Manage Server).

The daily post itself is made by ``bot.totd.TotdScheduler`` (claim in SQLite, then send, then record), which
calls ``post`` below; this module only renders and sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.glossary.model import Entry
from bot.render.discord import NO_MENTIONS, answer_view, cut, report_command_error, totd_embed
from bot.totd import TotdDeliveryError, TotdScheduler, TotdService, TotdStatus, search_timezones

log = logging.getLogger(__name__)


def _format_status(status: TotdStatus, channel_mention: str | None) -> str:
    if not status.enabled:
        lines = ["The term of the day is **off**. Switch it on with `/totd set`."]
    else:
        lines = [f"Posting daily at **{status.time}** ({status.tz}) in {channel_mention}."]
        if status.next_post is not None:
            when = status.next_post.strftime("%Y-%m-%d %H:%M %Z")
            term = f": {status.next_entry.term}" if status.next_entry else ""
            lines.append(f"Next post: {when}{term}")
    if status.last_post is not None:
        last = status.last_post
        lines.append(f"Last post: {last.local_date.isoformat()}, {last.term or f'entry {last.entry}'} ({last.status})")
    if status.last_error:
        at = status.last_error_at.strftime("%Y-%m-%d %H:%M UTC") if status.last_error_at else ""
        lines.append(f"Last error: {cut(status.last_error, 300)} {at}".rstrip())
    return "\n".join(lines)


class TermOfTheDay(commands.Cog):
    """Daily term per server."""

    totd = app_commands.Group(name="totd", description="Term of the day")

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot
        self.service = TotdService(bot.db, bot.glossary, clock=bot.clock)
        self.scheduler = TotdScheduler(self.service, self.post)
        self._starter: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.totd = self.scheduler
        self._starter = asyncio.create_task(self._start_when_ready(), name="totd-start")

    async def cog_unload(self) -> None:
        if self._starter is not None:
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starter
        await self.scheduler.stop()

    async def _start_when_ready(self) -> None:
        await self.bot.wait_until_ready()
        self.scheduler.start()  # independent of the gateway: reconnects never restart or double it

    # -- the daily post -----------------------------------------------------------------------------------------
    async def post(self, guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        """Send the post; TotdDeliveryError when it certainly was not sent (deleted channel, no permission)."""
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.NotFound:
                raise TotdDeliveryError(f"channel {channel_id} no longer exists") from None
            except discord.Forbidden:
                raise TotdDeliveryError(f"no access to channel {channel_id}") from None
        if not isinstance(channel, discord.abc.Messageable):
            raise TotdDeliveryError(f"channel {channel_id} cannot receive messages")
        answer = self.bot.engine.answer_for(entry, "define", query="term of the day")
        try:
            message = await channel.send(
                embed=totd_embed(entry, local_date.isoformat()),
                view=answer_view(answer, self.bot.glossary),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.Forbidden:
            raise TotdDeliveryError(f"missing permission to post in channel {channel_id}") from None
        except discord.NotFound:
            raise TotdDeliveryError(f"channel {channel_id} no longer exists") from None
        return message.id

    # -- commands -------------------------------------------------------------------------------------------------
    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_command_error(interaction, error, unchanged="the schedule is unchanged")

    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA zones matching what was typed ("berl" -> Europe/Berlin)."""
        return [app_commands.Choice(name=zone, value=zone) for zone in search_timezones(current[:100], 25)]

    @totd.command(name="today", description="Today's term of the day")
    async def today(self, interaction: discord.Interaction) -> None:
        prediction = await self.service.term_for(interaction.guild_id or 0)
        entry = self.bot.glossary.by_number(prediction.entry) if prediction else None
        if entry is None or prediction is None:
            await interaction.response.send_message("No term today.", ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        answer = self.bot.engine.answer_for(entry, "define", query="/totd today")
        await interaction.response.send_message(
            embed=totd_embed(entry, prediction.local_date.isoformat()),
            view=answer_view(answer, self.bot.glossary),
            allowed_mentions=NO_MENTIONS,
        )
        self.bot.log_lookup(answer, source="totd", guild_id=interaction.guild_id, channel_id=interaction.channel_id,
                            user_id=interaction.user.id)

    @totd.command(name="set", description="Post the term of the day in a channel at a time (Manage Server)")
    @app_commands.describe(channel="Where to post", time="24-hour time, e.g. 09:00", timezone="e.g. Europe/Berlin")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(
        self, interaction: discord.Interaction, channel: discord.TextChannel, time: str, timezone: str = "UTC"
    ) -> None:
        assert interaction.guild_id is not None
        try:
            status = await self.service.set(interaction.guild_id, channel.id, time, timezone)
        except ValueError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        text = _format_status(status, channel.mention)
        me = interaction.guild.me if interaction.guild else None
        if me is not None and not channel.permissions_for(me).send_messages:
            text += f"\nNote: I can't send messages in {channel.mention} yet; please give me that permission."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @totd.command(name="off", description="Stop the term of the day (Manage Server)")
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def off(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        changed = await self.service.off(interaction.guild_id)
        text = "The term of the day is off." if changed else "The term of the day was not on."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @totd.command(name="status", description="Schedule, next and last post, last error (Manage Server)")
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await self.service.status(interaction.guild_id)
        mention = f"<#{status.channel_id}>" if status.channel_id else None
        await interaction.response.send_message(
            _format_status(status, mention), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @totd.command(name="preview", description="Preview the next post (Manage Server)")
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def preview(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await self.service.status(interaction.guild_id)
        prediction = await self.service.term_for(interaction.guild_id)
        entry = status.next_entry or (self.bot.glossary.by_number(prediction.entry) if prediction else None)
        if entry is None:
            await interaction.response.send_message("Nothing to preview.", ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        when = status.next_post.date().isoformat() if status.next_post else "preview"
        await interaction.response.send_message(embed=totd_embed(entry, when), ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(TermOfTheDay(bot))
