"""Answer quality floors on the development set (the figures bench/accuracy.py prints)."""

from __future__ import annotations

from pathlib import Path

from bot.engine import GlossaryEngine
from bot.engine.evaluation import evaluate, load_conversations, load_queries

DATA = Path(__file__).resolve().parents[2] / "data"


def test_development_set_floors(engine: GlossaryEngine) -> None:
    report = evaluate(engine, load_queries(DATA / "dev.tsv"), load_conversations(DATA / "dev_conversations.yaml"))
    assert report.skipped_absent == 0, "every development query's term should be in the glossary"
    assert report.term_accuracy >= 0.97, report.misses
    assert report.wrong_rate <= 0.03, report.misses
    assert report.intent_accuracy >= 0.95, report.misses
    assert report.followup_accuracy >= 0.95, report.misses


def test_independent_sets_floors(engine: GlossaryEngine) -> None:
    """Sets written without looking at the engine (tests/data/heldout*.tsv): guards against tuning to dev."""
    sets = (("heldout.tsv", "heldout_conversations.yaml"), ("heldout2.tsv", None), ("heldout3.tsv", None))
    for queries, conversations in sets:
        report = evaluate(
            engine,
            load_queries(DATA / queries),
            load_conversations(DATA / conversations) if conversations else [],
        )
        assert report.term_accuracy >= 0.95, (queries, report.term_accuracy, report.misses)
        assert report.wrong_rate <= 0.03, (queries, report.misses)
        assert report.intent_accuracy >= 0.93, (queries, report.intent_accuracy, report.misses)
        assert report.followup_accuracy >= 0.95, (queries, report.misses)
