"""Answer quality floors on the development set (the figures bench/accuracy.py prints)."""

from __future__ import annotations

from pathlib import Path

from bot.engine.answers import GlossaryEngine
from bot.engine.evaluation import evaluate, load_conversations, load_queries

DATA = Path(__file__).resolve().parents[2] / "data"


def test_development_set_floors(engine: GlossaryEngine) -> None:
    report = evaluate(engine, load_queries(DATA / "dev.tsv"), load_conversations(DATA / "dev_conversations.yaml"))
    assert report.skipped_absent == 0, "every development query's term should be in the glossary"
    assert report.term_accuracy >= 0.97, report.misses
    assert report.wrong_rate <= 0.03, report.misses
    assert report.intent_accuracy >= 0.95, report.misses
    assert report.followup_accuracy >= 0.95, report.misses
