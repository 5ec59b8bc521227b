"""Render answers for Discord: pure builders, no callbacks and no state.

Embeds within Discord's limits (an answer, the term of the day, a page of a category), the short texts (did you
mean, unknown term, chatter, TOTD status), and the *contents* of the components: which FAQ buttons an answer offers,
the related-terms options, the "did you mean" buttons and the paging of a category listing. The components
themselves (``DynamicItem``s whose custom_id carries everything a click needs) and what a click does live in
``bot.discord_ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.engine.answer import NOTE_UNKNOWN, SHORT_LABELS, Answer, Section
from bot.engine.questions import Intent
from bot.glossary.model import CATEGORIES, Entry, Glossary
from bot.totd import TotdStatus

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
FAQ_BUTTONS = 5
SUGGESTION_BUTTONS = 5
SELECT_OPTIONS_MAX = 25
FAQ_ORDER: tuple[Intent, ...] = ("define", "how", "defend", "aliases", "examples")
DEFAULT_COLOUR = 0x5865F2

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
    colour = discord.Colour(CATEGORY_COLOURS.get(entry.category, DEFAULT_COLOUR))
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


def totd_embed(entry: Entry, local_date_text: str) -> discord.Embed:
    """The term-of-the-day post: term, number, category, definition, short description, one example."""
    colour = discord.Colour(CATEGORY_COLOURS.get(entry.category, DEFAULT_COLOUR))
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




# -- component contents ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaqChoice:
    """One button's worth: ask ``intent`` about entry ``entry``, shown as ``label``."""

    intent: Intent
    entry: int
    label: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class BrowsePage:
    """One page of a category listing: the embed and where the previous/next buttons lead."""

    embed: discord.Embed
    category_index: int
    page: int
    pages: int


def faq_label(intent: Intent) -> str:
    """The short button label of an FAQ question ("How does it work?")."""
    return cut(SHORT_LABELS.get(intent, "Define"), BUTTON_LABEL_MAX)


def faq_choices(answer: Answer) -> list[FaqChoice]:
    """The entry's other FAQ questions (not the one just answered), in a fixed order."""
    entry = answer.entry
    if entry is None:
        return []
    intents = [i for i in FAQ_ORDER if i != answer.intent][:FAQ_BUTTONS]
    return [FaqChoice(i, entry.entry, faq_label(i)) for i in intents]


def suggestion_choices(suggestions: tuple[Entry, ...] | list[Entry], intent: Intent = "define") -> list[FaqChoice]:
    """One "did you mean" button per suggested entry (the first one primary), at most five."""
    return [
        FaqChoice(intent, entry.entry, cut(entry.term, BUTTON_LABEL_MAX), primary=i == 0)
        for i, entry in enumerate(list(suggestions)[:SUGGESTION_BUTTONS])
    ]


def related_options(entry: Entry, glossary: Glossary) -> list[discord.SelectOption]:
    """Select options for the entry's related terms that the glossary has (each once, not the entry itself)."""
    options: list[discord.SelectOption] = []
    seen = {entry.entry}
    for name in entry.related:
        target = glossary.by_name(name)
        if target is None or target.entry in seen:
            continue
        seen.add(target.entry)
        options.append(
            discord.SelectOption(
                label=cut(target.term, SELECT_LABEL_MAX),
                value=str(target.entry),
                description=cut(target.definition, 100),
            )
        )
    return options[:SELECT_OPTIONS_MAX]


def browse_page(glossary: Glossary, category_index: int, page: int) -> BrowsePage:
    """One page of a category's entries (index into ``glossary.categories()``; both clamped to what exists)."""
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
        colour=discord.Colour(CATEGORY_COLOURS.get(category, DEFAULT_COLOUR)),
    )
    embed.set_footer(text=f"Page {page + 1}/{pages} · {len(entries)} entries · /define TERM for a full entry")
    return BrowsePage(embed, category_index, page, pages)


# -- short texts ----------------------------------------------------------------------------------------------


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


def totd_status_text(status: TotdStatus, channel_mention: str | None) -> str:
    """A server's term-of-the-day settings, next and last post and last error, for the admin commands."""
    if not status.enabled:
        lines = ["The term of the day is **off**. Switch it on with `/glossary totd set`."]
    else:
        lines = [f"Posting daily at **{status.time}** ({status.tz}) in {channel_mention}."]
        if status.next_post is not None:
            when = status.next_post.strftime("%Y-%m-%d %H:%M %Z")
            term = f": {status.next_entry.term}" if status.next_entry else ""
            lines.append(f"Next post: {when}{term}")
    last = status.last_post
    if last is not None:
        lines.append(f"Last post: {last.local_date.isoformat()}, {last.term or f'entry {last.entry}'} ({last.status})")
    if status.last_error:
        at = status.last_error_at.strftime("%Y-%m-%d %H:%M UTC") if status.last_error_at else ""
        lines.append(f"Last error: {cut(status.last_error, 300)} {at}".rstrip())
    return "\n".join(lines)
