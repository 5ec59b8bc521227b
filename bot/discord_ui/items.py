"""Buttons and selects, and what clicking them does.

Every component is a ``DynamicItem``: its custom_id carries all a click needs (intent, entry number, category
and page), so components keep working after a restart without stored state. They are registered once with
``bot.add_dynamic_items(*DYNAMIC_ITEMS)``. A click is handed to the bot's ``ReplyService``; whatever goes
wrong is told to the user through the shared error path (discord.py only logs errors of dynamic items, so
``GuardedItem`` catches them itself).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_ui.errors import report_error, send_private
from bot.engine.questions import INTENTS, Intent
from bot.render.discord import BUTTON_LABEL_MAX, FaqChoice, cut, faq_label

if TYPE_CHECKING:
    from bot.client import GlossaryBot

log = logging.getLogger(__name__)

FAQ_TEMPLATE = r"cg:faq:(?P<intent>[a-z]+):(?P<entry>\d+)"
RELATED_TEMPLATE = r"cg:rel:(?P<entry>\d+)"
BROWSE_TEMPLATE = r"cg:browse:(?P<cat>\d+):(?P<page>\d+)"


class GuardedItem:
    """Mixin for the dynamic items: ``callback`` runs ``clicked`` and reports any failure to the user.

    Put it first in the bases, so its ``callback`` is the one discord.py calls.
    """

    custom_id: str

    async def callback(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """Run the click; on failure send a short private message (the traceback goes to the log)."""
        try:
            await self.clicked(interaction)
        except Exception as error:  # the user must hear something; discord.py would only log it
            await self.on_error(interaction, error)

    async def clicked(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """What the click does."""
        raise NotImplementedError

    async def on_error(self, interaction: discord.Interaction[GlossaryBot], error: Exception) -> None:
        """Report a failed click through the shared error path."""
        await report_error(interaction, error, where=f"component {self.custom_id}")


class FAQButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=FAQ_TEMPLATE):
    """Asks one FAQ question about one entry ("How does it work?", or a suggested term)."""

    def __init__(self, intent: str, entry_number: int, *, label: str | None = None, primary: bool = False) -> None:
        self.intent: Intent = intent if intent in INTENTS else "define"  # type: ignore[assignment]
        self.entry_number = entry_number
        super().__init__(
            discord.ui.Button(
                label=cut(label or faq_label(self.intent), BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary,
                custom_id=f"cg:faq:{self.intent}:{entry_number}",
            )
        )

    @classmethod
    def of(cls, choice: FaqChoice) -> FAQButton:
        """The button for one rendered FAQ choice."""
        return cls(choice.intent, choice.entry, label=choice.label, primary=choice.primary)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GlossaryBot], item: discord.ui.Button, match: re.Match[str], /
    ) -> FAQButton:
        """Rebuild the clicked button from its custom_id (and keep its label)."""
        return cls(match["intent"], int(match["entry"]), label=item.label)

    async def clicked(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """Answer the question about the entry."""
        await interaction.client.replies.answer_entry(interaction, self.entry_number, self.intent, source="button")


class RelatedSelect(GuardedItem, discord.ui.DynamicItem[discord.ui.Select], template=RELATED_TEMPLATE):
    """Lists an entry's related terms; choosing one defines it."""

    def __init__(self, entry_number: int, options: list[discord.SelectOption] | None = None) -> None:
        self.entry_number = entry_number
        super().__init__(
            discord.ui.Select(
                placeholder="Related terms…",
                custom_id=f"cg:rel:{entry_number}",
                options=options or [discord.SelectOption(label="(none)", value="0")],
                min_values=1,
                max_values=1,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GlossaryBot], item: discord.ui.Select[Any], match: re.Match[str], /
    ) -> RelatedSelect:
        """Rebuild the select from its custom_id and the options it was sent with."""
        return cls(int(match["entry"]), list(item.options))

    async def clicked(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """Define the chosen related term."""
        values = self.item.values
        if not values or not values[0].isdigit():
            await send_private(interaction, "Pick a term from the list.")
            return
        await interaction.client.replies.answer_entry(interaction, int(values[0]), "define", source="select")


class BrowseButton(GuardedItem, discord.ui.DynamicItem[discord.ui.Button], template=BROWSE_TEMPLATE):
    """Turns a category listing to another page (the message is edited in place)."""

    def __init__(self, category_index: int, page: int, *, label: str = "Next ▶", disabled: bool = False) -> None:
        self.category_index = category_index
        self.page = page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"cg:browse:{category_index}:{page}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GlossaryBot], item: discord.ui.Button, match: re.Match[str], /
    ) -> BrowseButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["cat"]), int(match["page"]), label=item.label or "Next ▶")

    async def clicked(self, interaction: discord.Interaction[GlossaryBot]) -> None:
        """Show the page this button leads to."""
        await interaction.client.replies.turn_page(interaction, self.category_index, self.page)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (FAQButton, RelatedSelect, BrowseButton)
