"""/define with autocomplete, /random and /browse."""

from __future__ import annotations

import random

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.discord_ui.replies import conversation_of
from bot.glossary.model import CATEGORIES
from bot.render.discord import SELECT_LABEL_MAX, cut

AUTOCOMPLETE_LIMIT = 25
CATEGORY_CHOICES = [app_commands.Choice(name=name, value=name) for name in CATEGORIES]


def _choice_name(term: str, entry: int) -> str:
    return cut(f"{term} (#{entry})", SELECT_LABEL_MAX)


class Define(commands.Cog):
    """Look terms up."""

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot
        self._random = random.Random()

    async def term_autocomplete(
        self, interaction: discord.Interaction[GlossaryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Up to 25 entries matching what was typed, best first (not logged: keystrokes are not lookups)."""
        entries = await self.bot.replies.complete(current[:100], limit=AUTOCOMPLETE_LIMIT)
        return [app_commands.Choice(name=_choice_name(e.term, e.entry), value=cut(e.term, 100)) for e in entries]

    @app_commands.command(name="define", description="Define a cybersecurity term")
    @app_commands.describe(term="The term, an abbreviation, or an entry number")
    @app_commands.autocomplete(term=term_autocomplete)
    async def define(
        self, interaction: discord.Interaction[GlossaryBot], term: app_commands.Range[str, 1, 200]
    ) -> None:
        """Define a term (typos forgiven; a did-you-mean when unsure)."""
        answer = await self.bot.replies.define(term, conversation_of(interaction.user, interaction.channel_id))
        await self.bot.replies.respond(interaction, answer, source="slash")

    @app_commands.command(name="random", description="A random glossary entry")
    async def random_entry(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """A random entry's full page."""
        entry = self._random.choice(self.bot.glossary.entries)
        answer = await self.bot.replies.answer_for(entry, "define", query="/random")
        await self.bot.replies.respond(interaction, answer, source="random")

    @app_commands.command(name="browse", description="Browse the glossary by category")
    @app_commands.describe(category="Which category to list")
    @app_commands.choices(category=CATEGORY_CHOICES)
    async def browse(self, interaction: discord.Interaction[GlossaryBot], category: str) -> None:
        """A category's entries, a page at a time."""
        await self.bot.replies.show_category(interaction, category)


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(Define(bot))
