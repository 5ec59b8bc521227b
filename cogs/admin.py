"""/glossary (Manage Server): channel opt-in, the term-of-the-day schedule, statistics, an owner-only sync;
and the owner's ``@bot sync`` text command, the fallback when slash commands are broken."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.discord_ui.checks import bot_owner_only
from bot.discord_ui.transformers import PostTime, TimeZone
from bot.render.discord import NO_MENTIONS, totd_embed, totd_status_text
from bot.render.stats import stats_text
from bot.storage.lookups import summary

log = logging.getLogger(__name__)

STATS_MAX_CHARS = 1900
manage_server = app_commands.checks.has_permissions(manage_guild=True)  # default permissions can be overridden


async def _private(interaction: discord.Interaction[GlossaryBot], text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


class Admin(commands.Cog):
    """Server settings, the term-of-the-day schedule and statistics."""

    glossary = app_commands.Group(
        name="glossary",
        description="Glossary settings and statistics",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    channels = app_commands.Group(
        name="channels", description="Channels where I answer without a mention", parent=glossary
    )
    totd = app_commands.Group(name="totd", description="Term of the day: schedule and status", parent=glossary)

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot

    # -- /glossary channels ---------------------------------------------------------------------------------------
    @channels.command(name="add", description="Answer questions in a channel without being mentioned")
    @manage_server
    async def channels_add(self, interaction: discord.Interaction[GlossaryBot], channel: discord.TextChannel) -> None:
        """Opt a channel in."""
        assert interaction.guild_id is not None
        added = await self.bot.store.add_channel(interaction.guild_id, channel.id)
        note = "" if self.bot.settings.message_content else (
            " Note: the message content intent is off (MESSAGE_CONTENT_INTENT), so I can only read messages that"
            " mention me; ask the bot owner to enable it."
        )
        text = f"I'll answer questions in {channel.mention}." if added else f"{channel.mention} was already on."
        await _private(interaction, text + note)

    @channels.command(name="remove", description="Stop answering without a mention in a channel")
    @manage_server
    async def channels_remove(
        self, interaction: discord.Interaction[GlossaryBot], channel: discord.TextChannel
    ) -> None:
        """Opt a channel out."""
        assert interaction.guild_id is not None
        removed = await self.bot.store.remove_channel(interaction.guild_id, channel.id)
        text = f"I'll answer in {channel.mention} only when mentioned." if removed else (
            f"{channel.mention} was not on the list."
        )
        await _private(interaction, text)

    @channels.command(name="list", description="Channels where I answer without a mention")
    @manage_server
    async def channels_list(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """The opted-in channels."""
        assert interaction.guild_id is not None
        ids = await self.bot.store.channels_of(interaction.guild_id)
        text = ", ".join(f"<#{i}>" for i in ids) if ids else "None: I answer only when mentioned or replied to."
        await _private(interaction, text)

    # -- /glossary totd ---------------------------------------------------------------------------------------------
    @totd.command(name="set", description="Post the term of the day in a channel at a time")
    @app_commands.describe(channel="Where to post", time="24-hour time, e.g. 09:00", timezone="e.g. Europe/Berlin")
    @manage_server
    async def totd_set(
        self,
        interaction: discord.Interaction[GlossaryBot],
        channel: discord.TextChannel,
        time: app_commands.Transform[str, PostTime],
        timezone: app_commands.Transform[str, TimeZone] = "UTC",
    ) -> None:
        """Switch the daily post on (or move it)."""
        assert interaction.guild_id is not None
        status = await self.bot.totd_service.set(interaction.guild_id, channel.id, time, timezone)
        text = totd_status_text(status, channel.mention)
        me = interaction.guild.me if interaction.guild else None
        if me is not None and not channel.permissions_for(me).send_messages:
            text += f"\nNote: I can't send messages in {channel.mention} yet; please give me that permission."
        await _private(interaction, text)

    @totd.command(name="off", description="Stop the term of the day")
    @manage_server
    async def totd_off(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """Switch the daily post off (the schedule and history are kept)."""
        assert interaction.guild_id is not None
        changed = await self.bot.totd_service.off(interaction.guild_id)
        await _private(interaction, "The term of the day is off." if changed else "The term of the day was not on.")

    @totd.command(name="status", description="Schedule, next and last post, last error")
    @manage_server
    async def totd_status(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """What is scheduled and what happened last."""
        assert interaction.guild_id is not None
        status = await self.bot.totd_service.status(interaction.guild_id)
        mention = f"<#{status.channel_id}>" if status.channel_id else None
        await _private(interaction, totd_status_text(status, mention))

    @totd.command(name="preview", description="Preview the next post")
    @manage_server
    async def totd_preview(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """The next post, privately."""
        assert interaction.guild_id is not None
        service = self.bot.totd_service
        status = await service.status(interaction.guild_id)
        prediction = await service.term_for(interaction.guild_id)
        entry = status.next_entry or (self.bot.glossary.by_number(prediction.entry) if prediction else None)
        if entry is None:
            await _private(interaction, "Nothing to preview.")
            return
        when = status.next_post.date().isoformat() if status.next_post else "preview"
        await interaction.response.send_message(
            embed=totd_embed(entry, when), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    # -- /glossary stats and sync -------------------------------------------------------------------------------
    @glossary.command(name="stats", description="Lookups per day, top terms and unanswered questions")
    @manage_server
    async def stats(
        self, interaction: discord.Interaction[GlossaryBot], days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        """This server's lookup statistics (the queries can take a while: deferred first)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.lookups.flush()
        result = await summary(self.bot.db, guild_id=interaction.guild_id, days=days, clock=self.bot.clock)
        text = stats_text(result, self.bot.glossary)
        await interaction.followup.send(
            f"```\n{text[:STATS_MAX_CHARS]}\n```", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @glossary.command(name="sync", description="Bot owner only: sync slash commands now")
    @bot_owner_only()
    async def sync(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """Force a sync of the slash commands."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.sync_commands(force=True)
        await interaction.followup.send(f"Commands {result}.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- @bot sync (text command) ---------------------------------------------------------------------------------
    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync_text(
        self, ctx: commands.Context[GlossaryBot], scope: Literal["guild", "global"] | None = None
    ) -> None:
        """``@bot sync`` (the configured scope), ``@bot sync guild`` (this server) or ``@bot sync global``."""
        if scope == "guild" and ctx.guild is None:
            await ctx.reply("`sync guild` works only in a server.", mention_author=False)
            return
        result = await self.bot.sync_commands(
            force=True, guild_id=ctx.guild.id if scope == "guild" and ctx.guild else None, everywhere=scope == "global"
        )
        await ctx.reply(f"Commands {result} ({scope or 'configured scope'}).", mention_author=False)

    async def cog_command_error(self, ctx: commands.Context[GlossaryBot], error: commands.CommandError) -> None:
        """Text commands: anyone but the owner gets no reaction at all; a bad argument gets the usage line."""
        if isinstance(error, commands.CheckFailure):
            log.info("text command %s refused for user %s", ctx.command, ctx.author.id)
            return
        if isinstance(error, commands.UserInputError):
            await ctx.reply("Usage: `@bot sync`, `@bot sync guild` or `@bot sync global`.", mention_author=False)
            return
        log.error("text command %s failed", ctx.command, exc_info=error)


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(Admin(bot))
