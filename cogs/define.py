"""/define with autocomplete, /random and /browse."""

from __future__ import annotations

import logging
import random

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.render.discord import NO_MENTIONS, SELECT_LABEL_MAX, browse_page, cut, report_command_error

log = logging.getLogger(__name__)


def _choice_name(term: str, entry: int) -> str:
    return cut(f"{term} (#{entry})", SELECT_LABEL_MAX)


class Define(commands.Cog):
    """Look terms up."""

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot
        self._random = random.Random()

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_command_error(interaction, error)

    async def term_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Up to 25 entries matching what was typed, best first (not logged: keystrokes are not lookups)."""
        entries = self.bot.engine.complete(current[:100], limit=25)
        return [app_commands.Choice(name=_choice_name(e.term, e.entry), value=cut(e.term, 100)) for e in entries]

    @app_commands.command(name="define", description="Define a cybersecurity term")
    @app_commands.describe(term="The term, an abbreviation, or an entry number")
    @app_commands.autocomplete(term=term_autocomplete)
    async def define(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 200]) -> None:
        answer = self.bot.engine.define(term, conversation=(interaction.user.id, interaction.channel_id))
        await self.bot.respond(interaction, answer, source="slash")

    @app_commands.command(name="random", description="A random glossary entry")
    async def random_entry(self, interaction: discord.Interaction) -> None:
        entry = self._random.choice(self.bot.glossary.entries)
        answer = self.bot.engine.answer_for(entry, "define", query="/random")
        await self.bot.respond(interaction, answer, source="random")

    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Categories whose name contains what was typed."""
        wanted = current.lower().strip()
        return [
            app_commands.Choice(name=f"{name} ({len(self.bot.glossary.in_category(name))})", value=name)
            for name in self.bot.glossary.categories()
            if wanted in name.lower()
        ][:25]

    def _category_index(self, text: str) -> int | None:
        """The category named (or started, or contained) by ``text``, as typed or picked; None if no match."""
        names = self.bot.glossary.categories()
        wanted = " ".join(text.lower().replace("&", "and").split())
        keys = [" ".join(n.lower().replace("&", "and").split()) for n in names]
        for test in (str.__eq__, str.startswith, str.__contains__):
            found = [i for i, k in enumerate(keys) if test(k, wanted)]
            if found:
                return found[0]
        return None

    @app_commands.command(name="browse", description="Browse the glossary by category")
    @app_commands.describe(category="Which category to list")
    @app_commands.autocomplete(category=category_autocomplete)
    async def browse(self, interaction: discord.Interaction, category: app_commands.Range[str, 1, 100]) -> None:
        index = self._category_index(category)
        if index is None:
            await interaction.response.send_message(
                "No such category; pick one from the list.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        embed, view = browse_page(self.bot.glossary, index, 0)
        await interaction.response.send_message(embed=embed, view=view, allowed_mentions=NO_MENTIONS)


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(Define(bot))
