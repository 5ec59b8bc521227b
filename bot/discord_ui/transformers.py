"""Slash-command parameters that validate themselves: a post time and a time zone.

A bad value raises ``ValueError`` with a message meant for the user; discord.py turns it into a
``TransformerError`` that the tree's ``on_error`` shows (``bot.discord_ui.errors``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.totd import parse_post_time, search_timezones, validate_timezone

if TYPE_CHECKING:
    from bot.client import GlossaryBot

AUTOCOMPLETE_LIMIT = 25


class PostTime(app_commands.Transformer):
    """A 24-hour ``HH:MM`` time of day, normalised (``9:5`` is refused, ``9:05`` becomes ``09:05``)."""

    async def transform(self, interaction: discord.Interaction[GlossaryBot], value: str) -> str:
        """The time as ``HH:MM``; ``ValueError`` with a hint otherwise."""
        return parse_post_time(value)


class TimeZone(app_commands.Transformer):
    """An IANA time zone, typed loosely ("europe/berlin") and suggested while typing ("berl")."""

    async def transform(self, interaction: discord.Interaction[GlossaryBot], value: str) -> str:
        """The canonical zone name; ``ValueError`` with suggestions otherwise."""
        return validate_timezone(value)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[GlossaryBot], value: str
    ) -> list[app_commands.Choice[str]]:
        """Zones matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in search_timezones(value[:100], AUTOCOMPLETE_LIMIT)]
