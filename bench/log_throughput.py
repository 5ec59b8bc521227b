"""Lookup log: sustained lookups per second written to SQLite, and reply latency with logging on versus off.

Usage: python bench/log_throughput.py [--rows 100000] [--replies 3000]
Rows are queued by LookupLog.record (what the reply path does) and written in batches by its background task.
Reply latency is the engine's answer plus queueing the row, measured while the writer runs in the same loop.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import utc_now  # noqa: E402
from bot.engine import GlossaryEngine  # noqa: E402
from bot.engine.evaluation import load_queries  # noqa: E402
from bot.glossary import load_glossary  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.lookups import LookupLog, LookupRecord  # noqa: E402


def record_for(i: int) -> LookupRecord:
    return LookupRecord(at=utc_now(), source="bench", query=f"what is entry {i % 300}", intent="define",
                        entry=i % 300 + 1, score=100.0, latency_ms=0.2, guild_id=1, channel_id=2, user_key="k" * 32)


async def throughput(path: str, rows: int) -> float:
    db = await Database.open(path)
    log = LookupLog(db)
    await log.start()
    started = time.perf_counter()
    for i in range(rows):
        log.record(record_for(i))
        if i % 500 == 0:
            await asyncio.sleep(0)  # the bot's loop has other work between lookups
    await log.close()
    elapsed = time.perf_counter() - started
    count = (await db.fetchone("SELECT COUNT(*) FROM lookups"))[0]
    await db.close()
    assert count == rows, (count, rows)
    return rows / elapsed


async def reply_latency(path: str, engine: GlossaryEngine, queries: list[str], logging_on: bool) -> list[float]:
    db = await Database.open(path)
    log = LookupLog(db, flush_interval=0.05)
    await log.start()
    times: list[float] = []
    for i, query in enumerate(queries):
        started = time.perf_counter()
        answer = engine.ask(query)
        if logging_on:
            log.record(LookupRecord(at=utc_now(), source="bench", query=query, intent=answer.intent,
                                    entry=answer.entry_number, score=answer.score, latency_ms=answer.latency_ms))
        times.append((time.perf_counter() - started) * 1000)
        if i % 10 == 0:
            await asyncio.sleep(0.001)  # messages arrive over time; the writer runs in between
    await log.close()
    await db.close()
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.99 * (len(ordered) - 1))]


async def main_async(rows: int, replies: int) -> None:
    engine = GlossaryEngine(load_glossary(ROOT / "glossary_data"))
    dev = [q for q, _, _ in load_queries(ROOT / "tests/data/dev.tsv")]
    queries = [dev[i % len(dev)] for i in range(replies)]
    with tempfile.TemporaryDirectory() as tmp:
        rate = await throughput(str(Path(tmp) / "t.sqlite3"), rows)
        print(f"sustained logging: {rate:,.0f} lookups/s written ({rows:,} rows, target >= 5,000/s)")
        engine.ask("warm up")
        off_a = await reply_latency(str(Path(tmp) / "a.sqlite3"), engine, queries, logging_on=False)
        on = await reply_latency(str(Path(tmp) / "b.sqlite3"), engine, queries, logging_on=True)
        off_b = await reply_latency(str(Path(tmp) / "c.sqlite3"), engine, queries, logging_on=False)
    off = off_a + off_b
    ratio = p99(on) / p99(off)
    print(f"reply latency, logging off: median {statistics.median(off):.3f} ms, p99 {p99(off):.3f} ms")
    print(f"reply latency, logging on:  median {statistics.median(on):.3f} ms, p99 {p99(on):.3f} ms")
    print(f"SUMMARY {rate:,.0f} lookups/s logged; reply p99 with logging {ratio:.2f}x without "
          f"(target <= 1.10x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=3000)
    args = parser.parse_args()
    asyncio.run(main_async(args.rows, args.replies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
