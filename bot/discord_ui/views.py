"""Views that carry the dynamic items: an answer's FAQ buttons and related select, did-you-mean buttons and
a category listing's previous/next buttons. What they contain is decided by ``bot.render.discord``."""

from __future__ import annotations

import discord

from bot.discord_ui.items import BrowseButton, FAQButton, RelatedSelect
from bot.engine import Answer
from bot.engine.questions import Intent
from bot.glossary.model import Entry, Glossary
from bot.render.discord import BrowsePage, faq_choices, related_options, suggestion_choices


def answer_view(answer: Answer, glossary: Glossary) -> discord.ui.View | None:
    """FAQ buttons for the entry's other questions and a select for its related terms; None without an entry."""
    entry = answer.entry
    if entry is None:
        return None
    view = discord.ui.View(timeout=None)
    for choice in faq_choices(answer):
        view.add_item(FAQButton.of(choice))
    options = related_options(entry, glossary)
    if options:
        view.add_item(RelatedSelect(entry.entry, options))
    return view


def suggestion_view(suggestions: tuple[Entry, ...] | list[Entry], intent: Intent = "define") -> discord.ui.View:
    """One "did you mean" button per suggested entry, up to five."""
    view = discord.ui.View(timeout=None)
    for choice in suggestion_choices(suggestions, intent):
        view.add_item(FAQButton.of(choice))
    return view


def browse_view(page: BrowsePage) -> discord.ui.View:
    """Previous/next buttons for a category page (disabled at either end)."""
    view = discord.ui.View(timeout=None)
    last = page.pages - 1
    view.add_item(
        BrowseButton(page.category_index, max(0, page.page - 1), label="◀ Previous", disabled=page.page == 0)
    )
    view.add_item(
        BrowseButton(page.category_index, min(last, page.page + 1), label="Next ▶", disabled=page.page >= last)
    )
    return view
