"""Answer quality on the development queries and conversations (tests/data).

Usage: python bench/accuracy.py [--glossary DIR] [--show-misses]
Prints term accuracy, wrong-answer rate, intent accuracy and follow-up accuracy against the targets.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import GlossaryEngine  # noqa: E402
from bot.engine.evaluation import evaluate, load_conversations, load_queries  # noqa: E402
from bot.glossary import load_glossary  # noqa: E402

TARGETS = {"term": 0.97, "wrong": 0.03, "intent": 0.95, "followup": 0.95}


def main() -> int:
    """Run the evaluation and print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--glossary", default=str(ROOT / "glossary_data"))
    parser.add_argument("--queries", default=str(ROOT / "tests/data/dev.tsv"))
    parser.add_argument("--conversations", default=str(ROOT / "tests/data/dev_conversations.yaml"))
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    glossary = load_glossary(args.glossary)
    engine = GlossaryEngine(glossary)
    started = time.perf_counter()
    report = evaluate(engine, load_queries(args.queries), load_conversations(args.conversations))
    elapsed = time.perf_counter() - started
    rows = [
        ("term accuracy", report.term_accuracy, f"{report.term_correct}/{report.term_total}", ">=", TARGETS["term"]),
        ("wrong answers", report.wrong_rate, f"{report.none_wrong}/{report.none_total}", "<=", TARGETS["wrong"]),
        ("intent accuracy", report.intent_accuracy, f"{report.intent_correct}/{report.intent_total}", ">=",
         TARGETS["intent"]),
        ("follow-up accuracy", report.followup_accuracy, f"{report.turn_correct}/{report.turn_total}", ">=",
         TARGETS["followup"]),
    ]
    ok = True
    print(f"glossary: {len(glossary)} entries; queries skipped (term not in glossary yet): {report.skipped_absent}")
    for name, value, counts, op, target in rows:
        met = value >= target if op == ">=" else value <= target
        ok &= met
        print(f"{name:<20} {value:7.1%}  ({counts})  target {op} {target:.0%}  {'ok' if met else 'MISSED'}")
    if args.show_misses:
        for miss in report.misses:
            print("  " + miss)
    print(f"evaluated in {elapsed:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
