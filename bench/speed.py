"""Resolver latency and accuracy at 300, 10 000 and 100 000 entries against a naive baseline in the same run,
load-and-validate time for 10 000 entry files (against reading and parsing the same files with PyYAML alone, in
the same process), and resident memory at 100 000 entries.

Usage: python bench/speed.py [--sizes 300,10000,100000] [--queries 300]
The baseline is rapidfuzz.process.extractOne with WRatio over every name and alias (what many bots do).
The last line printed states the figures at the largest size.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from bench.synthetic import synthetic_entries, typo, write_entry_files  # noqa: E402
from bot.engine.evaluation import load_queries  # noqa: E402
from bot.engine.questions import parse  # noqa: E402
from bot.engine.resolver import Resolver  # noqa: E402
from bot.glossary import load_glossary  # noqa: E402
from bot.glossary.model import Entry  # noqa: E402
from bot.glossary.validator import entry_files, validate_directory  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def make_queries(entries: list[Entry], count: int, rng: random.Random) -> list[tuple[str, int]]:
    """(query, expected entry number): exact names, aliases, typos, and the development set's bare terms."""
    queries: list[tuple[str, int]] = []
    real = {e.term: e.entry for e in entries if e.entry < 1000}
    for query, term, intent in load_queries(ROOT / "tests/data/dev.tsv"):
        if term in real and intent == "define" and not parse(query).templated:  # bare terms only
            queries.append((query, real[term]))
    sample = rng.sample(entries, min(len(entries), count))
    for i, e in enumerate(sample):
        if i % 3 == 0:
            queries.append((e.term.lower(), e.entry))
        elif i % 3 == 1 and e.aliases:
            queries.append((e.aliases[0], e.entry))
        else:
            queries.append((typo(e.term.lower(), rng), e.entry))
    return queries


cpu_times: list[float] = []
"""CPU time per query of the last ``time_ours`` run: what the code costs, without the machine's other load."""


def time_ours(resolver: Resolver, queries: list[tuple[str, int]]) -> tuple[list[float], float, float]:
    """Latencies, the share answered confidently and right, and the share right at top-1 (answer or first
    suggestion: what the baseline is judged on, since it always returns its best guess)."""
    for q, _ in queries[:50]:  # warm caches the way a running bot has them
        resolver.resolve(q)
    times, confident, top1 = [], 0, 0
    cpu_times.clear()
    for q, expected in queries:
        started, cpu_started = time.perf_counter(), time.thread_time()
        result = resolver.resolve(q)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.thread_time() - cpu_started) * 1000)
        first = result.entry or (result.suggestions[0] if result.suggestions else None)
        confident += result.answered and result.entry is not None and result.entry.entry == expected
        top1 += first is not None and first.entry == expected
    return times, confident / len(queries), top1 / len(queries)


def time_baseline(entries: list[Entry], queries: list[tuple[str, int]]) -> tuple[list[float], float]:
    choices: list[str] = []
    owner: list[int] = []
    for e in entries:
        for name in e.names:
            choices.append(name)
            owner.append(e.entry)
    times, correct = [], 0
    for q, expected in queries:
        started = time.perf_counter()
        best = process.extractOne(q, choices, scorer=fuzz.WRatio, processor=str.lower)
        times.append((time.perf_counter() - started) * 1000)
        correct += best is not None and owner[best[2]] == expected
    return times, correct / len(queries)


def measure_validation(entries: list[Entry], count: int) -> tuple[float, float]:
    """Write ``count`` entry files, then time loading and validating them in a fresh process (as at start-up).

    Returns (validate seconds, parse-only seconds): the second is the baseline, ``yaml.load`` of every file with
    PyYAML's fastest safe loader and nothing else, timed in the same child after validation."""
    subset = entries[:count]
    present = {e.term for e in subset}
    subset = [replace(e, related=tuple(r for r in e.related if r in present)) for e in subset]
    with tempfile.TemporaryDirectory() as tmp:
        list(write_entry_files(subset, Path(tmp)))
        out = subprocess.run([sys.executable, __file__, "--validate-child", tmp, "--validate-files", str(count)],
                             capture_output=True, text=True, check=True).stdout
    validate, parse_only = (float(x) for x in out.split())
    return validate, parse_only


def validate_child(directory: str, count: int) -> None:
    """Load and validate a directory, then only read and parse its files; print both times in seconds."""
    started = time.perf_counter()
    found, problems = validate_directory(directory)
    elapsed = time.perf_counter() - started
    assert len(found) == count and not problems, problems[:3]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    started = time.perf_counter()
    for path in entry_files(directory):
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # a safe loader
    parse_only = time.perf_counter() - started
    print(elapsed, parse_only)


def memory_child(size: int) -> None:
    """Build ``size`` entries and a resolver, then print this process's resident memory in MB."""
    base = load_glossary(ROOT / "glossary_data")
    entries = synthetic_entries(size, base)
    resolver = Resolver(entries)
    resolver.resolve("blind cookie injection scanner")
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    print(rss_kb / 1024)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="300,10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--validate-files", type=int, default=10_000)
    parser.add_argument("--memory-child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--validate-child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.validate_child:
        validate_child(args.validate_child, args.validate_files)
        return 0
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    base = load_glossary(ROOT / "glossary_data")
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(42)
    summary = ""
    print(f"{'entries':>8} {'build s':>8} {'ours p50':>9} {'ours p99':>9} {'base p50':>9} {'base p99':>9} "
          f"{'speed-up':>9} {'answered':>9} {'ours top1':>9} {'base top1':>9}")
    for size in sizes:
        entries = synthetic_entries(size, base)
        started = time.perf_counter()
        resolver = Resolver(entries)
        build = time.perf_counter() - started
        queries = make_queries(entries, args.queries, rng)
        gc.collect()
        gc.freeze()  # as the bot does after loading: the index is permanent, keep the cyclic GC off it
        ours, our_acc, _ = time_ours(resolver, queries)
        cpu_p99 = percentile(cpu_times, 0.99)
        base_q = queries if size <= 10_000 else queries[:: max(1, len(queries) // 100)]
        baseline, base_acc = time_baseline(entries, base_q)
        _, _, our_top1_same = time_ours(resolver, base_q)
        ours_p50, ours_p99 = statistics.median(ours), percentile(ours, 0.99)
        base_p50, base_p99 = statistics.median(baseline), percentile(baseline, 0.99)
        ratio = base_p50 / ours_p50 if ours_p50 else float("inf")
        print(f"{size:>8} {build:>8.2f} {ours_p50:>8.3f}ms {ours_p99:>8.3f}ms {base_p50:>8.2f}ms {base_p99:>8.2f}ms "
              f"{ratio:>8.1f}x {our_acc:>8.1%} {our_top1_same:>8.1%} {base_acc:>8.1%}   cpu p99 {cpu_p99:.3f}ms")
        summary = (f"at {size} entries: p99 {ours_p99:.2f} ms wall, {cpu_p99:.2f} ms CPU (target <= 2 ms), "
                   f"median {ours_p50:.3f} ms, "
                   f"{ratio:.0f}x faster than the WRatio baseline (target >= 20x), top-1 accuracy "
                   f"{our_top1_same:.1%} vs baseline {base_acc:.1%} on the same queries, {our_acc:.1%} answered "
                   f"confidently")
        gc.unfreeze()
    validation, parse_only = measure_validation(synthetic_entries(args.validate_files, base), args.validate_files)
    print(f"load and validate {args.validate_files} entry files: {validation:.2f} s (target <= 2 s); "
          f"reading and parsing them with PyYAML alone: {parse_only:.2f} s ({validation / parse_only:.2f}x)")
    rss = float(subprocess.run([sys.executable, __file__, "--memory-child", str(max(sizes))], capture_output=True,
                               text=True, check=True).stdout.strip())
    print(f"resident memory with {max(sizes)} entries and their resolver: {rss:.0f} MB (target <= 200 MB)")
    print(f"SUMMARY {summary}; validate {args.validate_files} files {validation:.2f} s; RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
