"""Measure answer quality on labelled queries and conversations (used by ``bench/accuracy.py`` and tests)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.engine import GlossaryEngine


@dataclass(slots=True)
class QualityReport:
    """Counts behind the accuracy figures, and the misses for inspection."""

    term_total: int = 0
    term_correct: int = 0
    none_total: int = 0
    none_wrong: int = 0
    intent_total: int = 0
    intent_correct: int = 0
    turn_total: int = 0
    turn_correct: int = 0
    skipped_absent: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def _rate(num: int, den: int) -> float:
        return num / den if den else 1.0

    @property
    def term_accuracy(self) -> float:
        """Top-1 term accuracy on queries whose term is in the glossary."""
        return self._rate(self.term_correct, self.term_total)

    @property
    def wrong_rate(self) -> float:
        """Share of queries that should get no entry but got one."""
        return self._rate(self.none_wrong, self.none_total)

    @property
    def intent_accuracy(self) -> float:
        """Share of queries whose intent was read right."""
        return self._rate(self.intent_correct, self.intent_total)

    @property
    def followup_accuracy(self) -> float:
        """Share of conversation turns with both term and intent right."""
        return self._rate(self.turn_correct, self.turn_total)


def load_queries(path: str | Path) -> list[tuple[str, str, str]]:
    """Rows of (query, expected canonical term or "", expected intent) from a TSV file with a header."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [(r[0], r[1] if len(r) > 1 else "", r[2] if len(r) > 2 else "") for r in rows[1:] if r]


def load_conversations(path: str | Path) -> list[list[dict[str, str]]]:
    """Conversations as lists of turns ``{say, term, intent}``."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [[{k: str(v or "") for k, v in turn.items()} for turn in item["turns"]] for item in data]


def evaluate(
    engine: GlossaryEngine,
    queries: list[tuple[str, str, str]],
    conversations: list[list[dict[str, str]]],
) -> QualityReport:
    """Run every query (without context) and every conversation (with context) through ``engine``."""
    report = QualityReport()
    known = {e.term for e in engine.glossary}
    for query, term, intent in queries:
        if term and term not in known:
            report.skipped_absent += 1
            continue
        answer = engine.ask(query)
        report.intent_total += 1
        if answer.intent == intent:
            report.intent_correct += 1
        else:
            report.misses.append(f"intent: {query!r} -> {answer.intent}, expected {intent}")
        if term:
            report.term_total += 1
            if answer.term == term:
                report.term_correct += 1
            else:
                report.misses.append(f"term: {query!r} -> {answer.term} ({answer.status}), expected {term}")
        else:
            report.none_total += 1
            if answer.term is not None:
                report.none_wrong += 1
                report.misses.append(f"wrong: {query!r} -> {answer.term}, expected no entry")
    for number, turns in enumerate(conversations):
        if any(t["term"] and t["term"] not in known for t in turns):
            report.skipped_absent += len(turns)
            continue
        key = ("evaluation", number)
        engine.conversations.forget(key)
        for turn in turns:
            answer = engine.ask(turn["say"], conversation=key)
            report.turn_total += 1
            if (answer.term or "") == turn["term"] and answer.intent == turn["intent"]:
                report.turn_correct += 1
            else:
                report.misses.append(
                    f"turn: {turn['say']!r} -> {answer.term} / {answer.intent}, "
                    f"expected {turn['term']} / {turn['intent']}"
                )
        engine.conversations.forget(key)
    return report
