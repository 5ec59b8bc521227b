"""Render answers as plain text for the console and for ``ask --json`` replies."""

from __future__ import annotations

import textwrap

from bot.engine.answer import SHORT_LABELS, Answer, Section
from bot.glossary.model import Entry

WIDTH = 100
HELP_LINE = (
    "Ask me about a security term: “what is phishing?”, “how does XSS work?”, "
    "“how do you defend against ransomware?”, “other names for MFA?”, “examples of smishing”."
)


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent) if text else ""


def _section(section: Section) -> str:
    lines = [f"{section.heading}:"]
    if section.body:
        lines.append(_wrap(section.body, "  "))
    for item in section.items:
        lines.append(textwrap.fill(item, WIDTH, initial_indent="  - ", subsequent_indent="    "))
    return "\n".join(lines)


def header(entry: Entry) -> str:
    """``Phishing — Entry № 152 · Social Engineering``."""
    return f"{entry.term} — {entry.label} · {entry.category}"


def render_text(answer: Answer) -> str:
    """The whole reply as text."""
    if answer.status == "answer" and answer.entry is not None:
        entry = answer.entry
        parts = [header(entry)]
        if answer.intent != "define":
            parts.append(_wrap(entry.definition))
        parts.extend(_section(s) for s in answer.sections)
        if answer.next_intents:
            asks = " · ".join(SHORT_LABELS[i] for i in answer.next_intents)
            parts.append(f"Ask next: {asks}")
        return "\n\n".join(parts)
    term = _short(answer.term_text)
    if answer.status == "suggest":
        names = ", ".join(f"{e.term} (#{e.entry})" for e in answer.suggestions)
        return f"{answer.note_text(term)} {names}".strip()
    if answer.status == "unknown":
        return answer.note_text(term) or "The glossary has no entry for that yet."
    return HELP_LINE


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
