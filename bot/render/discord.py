"""Render answers for Discord: embeds within Discord's limits, FAQ buttons, a related-terms select,
"did you mean" buttons and category browsing.

Buttons and selects are ``DynamicItem``s whose custom_id carries everything needed (intent, entry number,
page), so they keep working after a restart without any stored state.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.engine.answers import NOTE_UNKNOWN, SHORT_LABELS, Answer, Section
from bot.engine.questions import INTENTS, Intent
from bot.glossary.model import CATEGORIES, Entry, Glossary

if TYPE_CHECKING:
    from bot.client import GlossaryBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

# Discord's limits (see docs): embed title 256, description 4096, field name 256, field value 1024,
# 25 fields, footer 2048, 6000 characters in all embeds of a message; 25 select options; labels 80/100.
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
BUTTON_LABEL_MAX = 80
SELECT_LABEL_MAX = 100
PAGE_SIZE = 15

CATEGORY_COLOURS = {
    "AI & ML Security": 0x8E44AD,
    "Application Security": 0xE67E22,
    "Network Security": 0x2980B9,
    "Cryptography": 0x16A085,
    "Identity & Access Management": 0x27AE60,
    "Malware": 0xC0392B,
    "Social Engineering": 0xD35400,
    "Security Operations & Incident Response": 0x2C3E50,
    "Cloud & Infrastructure Security": 0x3498DB,
    "Governance, Risk & Compliance": 0x7F8C8D,
    "Data Security & Privacy": 0x1ABC9C,
    "Hardware, IoT & OT Security": 0x95A5A6,
}


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, ending with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def echo(text: str, limit: int = 80) -> str:
    """User text safe to show back: mentions neutralised, markdown escaped, cut short."""
    text = discord.utils.escape_mentions(" ".join(text.split()))
    return discord.utils.escape_markdown(cut(text, limit))


def _bullets(items: tuple[str, ...], limit: int) -> str:
    lines: list[str] = []
    used = 0
    for item in items:
        line = f"• {item}"
        if used + len(line) + 1 > limit:
            remaining = limit - used - 1
            if remaining > 40:
                lines.append(cut(line, remaining))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines) or cut("• " + items[0], limit) if items else ""


def _section_text(section: Section, limit: int) -> str:
    parts = []
    if section.body:
        parts.append(section.body)
    if section.items:
        parts.append(_bullets(section.items, max(100, limit - sum(len(p) for p in parts) - 2)))
    return cut("\n".join(parts), limit)


def answer_embed(answer: Answer) -> discord.Embed:
    """The embed for an answered question, always within Discord's limits."""
    entry = answer.entry
    assert entry is not None, "answer_embed needs an answer with an entry"
    colour = discord.Colour(CATEGORY_COLOURS.get(entry.category, 0x5865F2))
    embed = discord.Embed(title=cut(entry.term, TITLE_MAX), colour=colour)
    footer = cut(f"{entry.label} · {entry.category}", FOOTER_MAX)
    sections = list(answer.sections)
    if answer.intent == "define":
        definition = next((s.body for s in sections if s.heading == "Definition"), entry.definition)
        description = next((s.body for s in sections if s.heading == "Description"), "")
        embed.description = cut(f"**{definition}**\n\n{description}".strip(), DESCRIPTION_MAX)
        field_sections = [s for s in sections if s.heading not in ("Definition", "Description")]
    else:
        main = sections[0] if sections else Section("")
        head = f"*{entry.definition}*\n\n**{main.heading}**\n" if main.heading else f"*{entry.definition}*\n\n"
        embed.description = cut(head + _section_text(main, DESCRIPTION_MAX - len(head)), DESCRIPTION_MAX)
        field_sections = sections[1:]
    budget = EMBED_TOTAL_MAX - len(embed.title or "") - len(embed.description or "") - len(footer) - 20
    for section in field_sections[:24]:
        if budget <= 60:
            break
        value = _section_text(section, min(FIELD_VALUE_MAX, budget - len(section.heading)))
        if not value:
            continue
        embed.add_field(name=cut(section.heading, 256), value=value, inline=False)
        budget -= len(section.heading) + len(value)
    embed.set_footer(text=footer)
    return embed


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral, mention-free reply, whether or not the interaction was already answered."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


PERMISSION_ERRORS = (
    discord.app_commands.MissingPermissions,
    discord.app_commands.NoPrivateMessage,
    discord.app_commands.CheckFailure,
)


async def report_command_error(
    interaction: discord.Interaction, error: discord.app_commands.AppCommandError, *, unchanged: str = ""
) -> None:
    """A cog's error handler: a short private message, never a traceback in front of the user (logged).

    ``unchanged`` tells what stayed as it was ("your settings are unchanged").
    """
    if isinstance(error, PERMISSION_ERRORS):
        await reply_privately(interaction, "You need the Manage Server permission in a server for that.")
        return
    name = interaction.command.qualified_name if interaction.command else "?"
    log.exception("command /%s failed", name, exc_info=error)
    detail = f"; {unchanged}" if unchanged else ""
    await reply_privately(interaction, f"Something went wrong{detail}. Please try again.")


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6000 limit."""
    return len(embed)


def totd_embed(entry: Entry, local_date_text: str) -> discord.Embed:
    """The term-of-the-day post: term, number, category, definition, short description, one example."""
    colour = discord.Colour(CATEGORY_COLOURS.get(entry.category, 0x5865F2))
    description = entry.description.split(". ")
    short = cut(". ".join(description[:2]).rstrip(".") + ".", 700)
    embed = discord.Embed(
        title=cut(f"Term of the day: {entry.term}", TITLE_MAX),
        description=cut(f"**{entry.definition}**\n\n{short}", DESCRIPTION_MAX),
        colour=colour,
    )
    if entry.examples:
        embed.add_field(name="Example", value=cut(entry.examples[0], FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text=cut(f"{entry.label} · {entry.category} · {local_date_text}", FOOTER_MAX))
    return embed


# -- components --------------------------------------------------------------------------------------------


class FAQButton(discord.ui.DynamicItem[discord.ui.Button], template=r"cg:faq:(?P<intent>[a-z]+):(?P<entry>\d+)"):
    """A button that asks one FAQ question about one entry ("How does it work?", or a suggested term)."""

    def __init__(self, intent: Intent, entry_number: int, *, label: str | None = None, primary: bool = False):
        self.intent: Intent = intent if intent in INTENTS else "define"
        self.entry_number = entry_number
        super().__init__(
            discord.ui.Button(
                label=cut(label or SHORT_LABELS.get(self.intent, "Define"), BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary,
                custom_id=f"cg:faq:{self.intent}:{entry_number}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any, /
    ) -> FAQButton:
        return cls(match["intent"], int(match["entry"]), label=item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: GlossaryBot = interaction.client  # type: ignore[assignment]
        await bot.answer_entry_interaction(interaction, self.entry_number, self.intent, source="button")


class RelatedSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"cg:rel:(?P<entry>\d+)"):
    """A select listing an entry's related terms; choosing one answers it."""

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
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: Any, /
    ) -> RelatedSelect:
        return cls(int(match["entry"]), list(item.options))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: GlossaryBot = interaction.client  # type: ignore[assignment]
        values = self.item.values
        if not values or not values[0].isdigit():
            await interaction.response.send_message("Pick a term from the list.", ephemeral=True)
            return
        await bot.answer_entry_interaction(interaction, int(values[0]), "define", source="select")


class BrowseButton(discord.ui.DynamicItem[discord.ui.Button], template=r"cg:browse:(?P<cat>\d+):(?P<page>\d+)"):
    """Previous/next page of a category listing."""

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
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any, /
    ) -> BrowseButton:
        return cls(int(match["cat"]), int(match["page"]), label=item.label or "Next ▶")

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: GlossaryBot = interaction.client  # type: ignore[assignment]
        embed, view = browse_page(bot.glossary, self.category_index, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


DYNAMIC_ITEMS = (FAQButton, RelatedSelect, BrowseButton)


def answer_view(answer: Answer, glossary: Glossary) -> discord.ui.View | None:
    """FAQ buttons for the entry's other questions and a select for related terms."""
    entry = answer.entry
    if entry is None:
        return None
    view = discord.ui.View(timeout=None)
    intents: list[Intent] = [i for i in ("define", "how", "defend", "aliases", "examples") if i != answer.intent]
    for intent in intents[:5]:
        view.add_item(FAQButton(intent, entry.entry))
    options = []
    seen: set[int] = set()
    for name in entry.related:
        target = glossary.by_name(name)
        if target is None or target.entry in seen or target.entry == entry.entry:
            continue
        seen.add(target.entry)
        options.append(
            discord.SelectOption(
                label=cut(target.term, SELECT_LABEL_MAX),
                value=str(target.entry),
                description=cut(target.definition, 100),
            )
        )
    if options:
        view.add_item(RelatedSelect(entry.entry, options[:25]))
    return view


def suggestion_view(suggestions: tuple[Entry, ...] | list[Entry], intent: Intent = "define") -> discord.ui.View:
    """One button per suggested entry ("Did you mean"), up to 5."""
    view = discord.ui.View(timeout=None)
    for i, entry in enumerate(list(suggestions)[:5]):
        view.add_item(FAQButton(intent, entry.entry, label=entry.term, primary=i == 0))
    return view


def non_answer_text(answer: Answer) -> str:
    """The short message for a did-you-mean, an unknown term or chatter (user text escaped)."""
    if answer.status in ("suggest", "unknown") and answer.note:
        text = answer.note_text(echo(answer.term_text))
        if answer.note == NOTE_UNKNOWN:
            text += " Try `/define` with another name, or `/browse`."
        return text
    return (
        "Ask me about a security term: “what is phishing?”, “how does XSS work?”, "
        "“how do you defend against ransomware?”, “other names for MFA?”. Or use `/define`."
    )


def browse_page(glossary: Glossary, category_index: int, page: int) -> tuple[discord.Embed, discord.ui.View]:
    """One page of a category's entries with previous/next buttons."""
    categories = glossary.categories() or list(CATEGORIES)
    category_index = max(0, min(category_index, len(categories) - 1))
    category = categories[category_index]
    entries = glossary.in_category(category)
    pages = max(1, (len(entries) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    chunk = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [f"`{e.entry:03d}` **{e.term}**: {cut(e.definition, 150)}" for e in chunk]
    embed = discord.Embed(
        title=cut(category, TITLE_MAX),
        description=cut("\n".join(lines) or "No entries.", DESCRIPTION_MAX),
        colour=discord.Colour(CATEGORY_COLOURS.get(category, 0x5865F2)),
    )
    embed.set_footer(text=f"Page {page + 1}/{pages} · {len(entries)} entries · /define TERM for a full entry")
    view = discord.ui.View(timeout=None)
    view.add_item(BrowseButton(category_index, max(0, page - 1), label="◀ Previous", disabled=page == 0))
    view.add_item(BrowseButton(category_index, min(pages - 1, page + 1), label="Next ▶", disabled=page >= pages - 1))
    return embed, view
