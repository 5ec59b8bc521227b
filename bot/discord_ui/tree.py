"""The bot's ``CommandTree``: every slash command's error goes through one ``on_error``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_ui.errors import report_error

if TYPE_CHECKING:
    from bot.client import GlossaryBot


class GlossaryTree(app_commands.CommandTree["GlossaryBot"]):
    """Passed to the bot as ``tree_cls``; cogs define no error handlers of their own."""

    async def on_error(
        self, interaction: discord.Interaction[GlossaryBot], error: app_commands.AppCommandError
    ) -> None:
        """Map the error to a short private message (see ``bot.discord_ui.errors.user_message``)."""
        command = interaction.command
        where = f"/{command.qualified_name}" if command is not None else "a slash command"
        await report_error(interaction, error, where=where)
