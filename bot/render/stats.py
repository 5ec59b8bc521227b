"""Plain-text rendering of lookup statistics (for ``/glossary stats`` and ``cyberglossary stats``)."""

from __future__ import annotations

from bot.glossary.model import Glossary
from bot.storage.lookups import StatsSummary


def _plain(text: str) -> str:
    """User text shown inside a code block: no backticks (they would end the block), one line."""
    return " ".join(text.replace("`", "'").split())


def stats_text(stats: StatsSummary, glossary: Glossary | None = None) -> str:
    """A compact report: totals, answer rate, lookups per day, top terms, top unanswered questions."""
    lines = [
        f"Last {stats.days} days: {stats.total} glossary questions, {stats.answered} answered "
        f"({stats.answer_rate:.0%} answer rate)",
        "",
        "Lookups per day:",
    ]
    lines += [f"  {day.isoformat()}  {count}" for day, count in stats.per_day[-14:]] or ["  (none)"]
    lines += ["", "Top terms:"]
    for number, count in stats.top_terms:
        entry = glossary.by_number(number) if glossary is not None else None
        name = entry.term if entry is not None else f"entry {number}"
        lines.append(f"  {count:>5}  {name}")
    if not stats.top_terms:
        lines.append("  (none)")
    lines += ["", "Top unanswered questions (what to add next):"]
    lines += [f"  {count:>5}  {_plain(query)[:80]}" for query, count in stats.top_unanswered] or ["  (none)"]
    return "\n".join(lines)
