"""Checks for slash commands, as ``app_commands.check`` decorators (their failures reach the tree's on_error)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.client import GlossaryBot

T = TypeVar("T")


async def _is_owner(interaction: discord.Interaction[GlossaryBot]) -> bool:
    return await interaction.client.is_owner(interaction.user)


def bot_owner_only() -> Callable[[T], T]:
    """Only the bot's owner (OWNER_IDS, or the application's owner) may run the command."""
    return app_commands.check(_is_owner)
