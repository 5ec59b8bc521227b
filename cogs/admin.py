"""/glossary: channel opt-in, statistics (Manage Server) and an owner-only command sync."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.render.discord import NO_MENTIONS, report_command_error
from bot.render.stats import stats_text
from bot.storage.lookups import summary

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    """Server settings and statistics."""

    glossary = app_commands.Group(
        name="glossary",
        description="Glossary settings and statistics",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    channels = app_commands.Group(name="channels", description="Channels where I answer without a mention",
                                  parent=glossary)

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_command_error(interaction, error, unchanged="your settings are unchanged")

    @channels.command(name="add", description="Answer questions in a channel without being mentioned")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def channels_add(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        assert interaction.guild_id is not None
        added = await self.bot.store.add_channel(interaction.guild_id, channel.id)
        note = "" if self.bot.settings.message_content else (
            " Note: the message content intent is off (MESSAGE_CONTENT_INTENT), so I can only read messages that"
            " mention me; ask the bot owner to enable it."
        )
        text = f"I'll answer questions in {channel.mention}." if added else f"{channel.mention} was already on."
        await interaction.response.send_message(text + note, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @channels.command(name="remove", description="Stop answering without a mention in a channel")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def channels_remove(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        assert interaction.guild_id is not None
        removed = await self.bot.store.remove_channel(interaction.guild_id, channel.id)
        text = f"I'll answer in {channel.mention} only when mentioned." if removed else (
            f"{channel.mention} was not on the list."
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @channels.command(name="list", description="Channels where I answer without a mention")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def channels_list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        ids = await self.bot.store.channels_of(interaction.guild_id)
        text = ", ".join(f"<#{i}>" for i in ids) if ids else "None: I answer only when mentioned or replied to."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @glossary.command(name="stats", description="Lookups per day, top terms and unanswered questions")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def stats(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30) -> None:
        await self.bot.lookups.flush()
        result = await summary(self.bot.db, guild_id=interaction.guild_id, days=days, clock=self.bot.clock)
        text = stats_text(result, self.bot.glossary)
        await interaction.response.send_message(
            f"```\n{text[:1900]}\n```", ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @glossary.command(name="sync", description="Bot owner only: sync slash commands now")
    async def sync(self, interaction: discord.Interaction) -> None:
        if not await self.bot.is_owner(interaction.user):
            await interaction.response.send_message(
                "Only the bot owner can sync commands.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.sync_commands(force=True)
        await interaction.followup.send(f"Commands {result}.", ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(Admin(bot))
