"""Stats text: totals and rate, entry names from the glossary, user text that cannot break the code block."""

from __future__ import annotations

from datetime import date

from bot.glossary import Glossary
from bot.render.stats import stats_text
from bot.storage.lookups import StatsSummary


def test_report_names_terms_and_cleans_user_text(glossary: Glossary) -> None:
    entry = glossary.entries[0]
    missing = max(e.entry for e in glossary.entries) + 1
    stats = StatsSummary(
        days=7, total=4, answered=3, per_day=[(date(2026, 3, 1), 4)],
        top_terms=[(entry.entry, 3), (missing, 1)], top_unanswered=[("```what\\nis `x`", 1)],
    )
    text = stats_text(stats, glossary)
    assert "Last 7 days: 4 glossary questions, 3 answered (75% answer rate)" in text
    assert entry.term in text and f"entry {missing}" in text
    assert "2026-03-01  4" in text and "`" not in text


def test_empty_report_says_none() -> None:
    text = stats_text(StatsSummary(days=30, total=0, answered=0, per_day=[], top_terms=[], top_unanswered=[]))
    assert text.count("(none)") == 3 and "0% answer rate" in text
