"""Worst-case latency of ``GlossaryEngine.ask`` on hostile chat messages (issue 9: no message may freeze the bot).

Usage (from the repository root)::

    python bench/worst_case.py                     # real glossary and 10,000 entries, default search
    python bench/worst_case.py --size 0            # real glossary only
    python bench/worst_case.py --rounds 60 --seed 3 --family term_salad --family hash_in_question

For the real glossary (``glossary_data/``) and a synthetic one of ``--size`` entries (``bench/synthetic.py``) it
generates hostile messages of up to 4,000 characters in shape families (long tokens after a preposition, pasted
hashes, URLs, code blocks, thousands of short words, term salads of the glossary's own names and aliases,
preposition chains, repeated FAQ templates, punctuation runs, emoji/zalgo/CJK, Discord mentions, typo'd names,
entry numbers, mixtures). Each message is timed as the minimum of 3 cold runs of ``engine.ask``: the engine's
word caches are emptied before every run, so a run costs what a never-seen message costs. From a deterministic
seed set the search then mutates the slowest messages of each family (grow, repeat a slice, cut, insert a
glossary word or a typo of one, splice in another family's message) for ``--rounds`` rounds, keeping the slower.

Printed per glossary: the slowest message of each family (repr truncated, its length, its time in ms), the
overall worst, the median of the ordinary development questions (``tests/data/dev.tsv``, timed the same way in
the same process) and the ratio worst/median, then PASS or FAIL against ``--budget-ms`` (default 20 ms).
The exit status is 1 when any glossary fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_entries, typo  # noqa: E402
from bot.engine import GlossaryEngine  # noqa: E402
from bot.engine.evaluation import load_queries  # noqa: E402
from bot.engine.resolver import clear_caches  # noqa: E402
from bot.glossary import Glossary, load_glossary  # noqa: E402

MAX_MESSAGE_CHARS = 4000
BUDGET_MS = 20.0
RUNS = 3
CUE_WORDS = (
    "what is are how does do work works defend against stop prevent protect from examples of example related "
    "to similar other names for stand short aka mean explain tell me about in on my our the a an with at using "
    "when via i you it that this please thanks hey bot real world cases walk through"
).split()
PREPOSITIONS = ("in", "on", "for", "with", "at", "from", "using", "inside", "within", "into", "under", "via", "when")
TEMPLATES = (
    "what is {}", "how does {} work", "how do i stop {} in my app", "other names for {}", "examples of {}",
    "terms related to {}", "what does {} stand for", "{} meaning", "defend against {}", "walk me through {}",
    "keep {} out of my network", "protect my servers from {}", "spell {} out", "is {} also known as",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words to build hostile messages from: the glossary's names and aliases, and their words."""

    names: tuple[str, ...]
    words: tuple[str, ...]

    @classmethod
    def of(cls, glossary: Glossary) -> Vocabulary:
        """The names, aliases and name words of ``glossary``."""
        names = tuple(sorted({name for entry in glossary for name in entry.names}))
        words = tuple(sorted({w for name in names for w in name.lower().replace("-", " ").split()}))
        return cls(names, words)


Shape = Callable[[random.Random, Vocabulary], str]


def _letters(rng: random.Random, length: int, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _fill(rng: random.Random, piece: Callable[[], str], separator: str = " ") -> str:
    """Pieces joined until a random length of up to 4,000 characters."""
    target = rng.choice((200, 800, 1600, MAX_MESSAGE_CHARS, rng.randint(50, MAX_MESSAGE_CHARS)))
    parts: list[str] = []
    size = 0
    while size < target:
        part = piece()
        parts.append(part)
        size += len(part) + len(separator)
    return separator.join(parts)[:target]


def prep_long_token(rng: random.Random, vocab: Vocabulary) -> str:
    """The issue's first input: a long word after a preposition, more than four words after it."""
    name = rng.choice(vocab.names).lower()
    tail = " ".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 12)))
    return f"what is {name} {rng.choice(PREPOSITIONS)} {'a' * rng.randint(50, 3800)} {tail}"


def hash_in_question(rng: random.Random, vocab: Vocabulary) -> str:
    """The issue's second input: a natural question with pasted hex tokens."""
    hashes = " ".join(_letters(rng, rng.choice((32, 40, 64, 240, 1000)), "0123456789abcdef") for _ in
                      range(rng.randint(1, 4)))
    name = rng.choice(vocab.names).lower()
    return f"how do i stop {name} in {hashes} on my site at work today"


def long_token(rng: random.Random, vocab: Vocabulary) -> str:
    """One word of up to 4,000 letters, digits or a repeated glossary word."""
    kind = rng.randrange(3)
    length = rng.randint(100, MAX_MESSAGE_CHARS)
    if kind == 0:
        return _letters(rng, length)
    if kind == 1:
        return _letters(rng, length, string.ascii_lowercase + string.digits)
    return (rng.choice(vocab.words) * MAX_MESSAGE_CHARS)[:length]


def urls(rng: random.Random, vocab: Vocabulary) -> str:
    """A question followed by URLs with paths and query strings made of glossary words."""
    def url() -> str:
        path = "/".join(rng.choice(vocab.words) for _ in range(rng.randint(1, 8)))
        query = "&".join(f"{rng.choice(vocab.words)}={_letters(rng, 12)}" for _ in range(rng.randint(0, 4)))
        return f"https://{rng.choice(vocab.words)}.example.com/{path}?{query}"
    return "what is this " + _fill(rng, url)


def code_block(rng: random.Random, vocab: Vocabulary) -> str:
    """A pasted code block whose identifiers are glossary words."""
    def line() -> str:
        name = "_".join(rng.choice(vocab.words) for _ in range(rng.randint(1, 3)))
        return f"    {name} = {rng.choice(vocab.words)}({name!r}, {rng.randint(0, 99)})  # {rng.choice(vocab.names)}"
    return "is this sql injection?\n```python\n" + _fill(rng, line, "\n") + "\n```"


def short_words(rng: random.Random, vocab: Vocabulary) -> str:
    """Thousands of one- to three-letter words."""
    return _fill(rng, lambda: _letters(rng, rng.randint(1, 3)))


def glossary_words(rng: random.Random, vocab: Vocabulary) -> str:
    """Thousands of glossary words (and typos of them) in random order, forming few names."""
    def word() -> str:
        w = rng.choice(vocab.words)
        return typo(w, rng) if rng.random() < 0.3 else w
    return _fill(rng, word)


def term_salad(rng: random.Random, vocab: Vocabulary) -> str:
    """Glossary names and aliases concatenated, with spaces, commas, "and", or nothing between them."""
    separator = rng.choice((" ", ", ", " and ", "", "-", " / "))
    return _fill(rng, lambda: rng.choice(vocab.names).lower(), separator)


def template_salad(rng: random.Random, vocab: Vocabulary) -> str:
    """FAQ question shapes about glossary names, repeated and nested."""
    return _fill(rng, lambda: rng.choice(TEMPLATES).format(rng.choice(vocab.names).lower()))


def preposition_chain(rng: random.Random, vocab: Vocabulary) -> str:
    """A question followed by many preposition phrases ("in a on b in c ...")."""
    head = rng.choice(TEMPLATES).format(rng.choice(vocab.names).lower())
    def phrase() -> str:
        word = rng.choice((rng.choice(string.ascii_lowercase), rng.choice(vocab.words), "my app"))
        return f"{rng.choice(PREPOSITIONS)} {word}"
    return head + " " + _fill(rng, phrase)


def punctuation(rng: random.Random, vocab: Vocabulary) -> str:
    """Runs of punctuation, alone or between words."""
    marks = "?!.,;:-_*~|#@&()[]{}<>\"'`\\/"
    def piece() -> str:
        run = "".join(rng.choice(marks) for _ in range(rng.randint(1, 60)))
        return run if rng.random() < 0.5 else run + rng.choice(vocab.words)
    return _fill(rng, piece, rng.choice(("", " ")))


def unicode_noise(rng: random.Random, vocab: Vocabulary) -> str:
    """Emoji, zalgo (stacked combining marks), CJK, right-to-left, full-width and zero-width characters."""
    def piece() -> str:
        kind = rng.randrange(6)
        word = rng.choice(vocab.words)
        if kind == 0:
            return "".join(chr(rng.randint(0x1F300, 0x1FAFF)) for _ in range(rng.randint(1, 20)))
        if kind == 1:
            return "".join(c + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(rng.randint(1, 12))) for c in word)
        if kind == 2:
            return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 20)))
        if kind == 3:
            return "".join(chr(rng.randint(0x0600, 0x06FF)) for _ in range(rng.randint(1, 20)))
        if kind == 4:
            return "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in word)
        return "\u200b".join(word)
    return "what is " + _fill(rng, piece)


def mentions(rng: random.Random, vocab: Vocabulary) -> str:
    """Discord mentions (users, roles, channels, @everyone) around and inside a question."""
    def piece() -> str:
        kind = rng.randrange(5)
        if kind == 0:
            return f"<@{rng.randint(10**17, 10**19)}>"
        if kind == 1:
            return f"<@!{rng.randint(1, 10**19)}>"
        if kind == 2:
            return f"<#{rng.randint(1, 10**19)}>"
        if kind == 3:
            return rng.choice(("@everyone", "@here", "<@&123>", "<@", "<#>"))
        return rng.choice(vocab.words)
    return _fill(rng, piece)


def typo_names(rng: random.Random, vocab: Vocabulary) -> str:
    """Names with typos, which make the fuzzy matcher look at many candidates."""
    return _fill(rng, lambda: typo(rng.choice(vocab.names).lower(), rng))


def numbers(rng: random.Random, vocab: Vocabulary) -> str:
    """Entry numbers, long digit runs and "no. no. #" prefixes."""
    def piece() -> str:
        kind = rng.randrange(4)
        if kind == 0:
            return f"entry {rng.randint(0, 10**6)}"
        if kind == 1:
            return _letters(rng, rng.randint(1, 200), string.digits)
        if kind == 2:
            return "no. " * rng.randint(1, 30) + str(rng.randint(1, 400))
        return f"#{rng.randint(1, 999)}"
    return _fill(rng, piece)


FAMILIES: dict[str, Shape] = {
    shape.__name__: shape
    for shape in (prep_long_token, hash_in_question, long_token, urls, code_block, short_words, glossary_words,
                  term_salad, template_salad, preposition_chain, punctuation, unicode_noise, mentions, typo_names,
                  numbers)
}


def mutate(text: str, rng: random.Random, vocab: Vocabulary) -> str:
    """A variation of ``text``: grown, with a slice repeated or cut, a glossary word or typo inserted, or
    another family's message spliced in; at most 4,000 characters."""
    kind = rng.randrange(6)
    cut = rng.randint(0, len(text))
    if kind == 0:  # repeat a slice
        start = rng.randint(0, cut)
        out = text[:cut] + text[start:cut] * rng.randint(1, 8) + text[cut:]
    elif kind == 1:  # cut a slice (the engine reads a prefix: denser inputs can be slower)
        out = text[:cut] + text[rng.randint(cut, len(text)):]
    elif kind == 2:  # insert glossary words
        words = " ".join(rng.choice(vocab.words) for _ in range(rng.randint(1, 10)))
        out = f"{text[:cut]} {words} {text[cut:]}"
    elif kind == 3:  # a typo in a name, inserted
        out = f"{text[:cut]} {typo(rng.choice(vocab.names).lower(), rng)} {text[cut:]}"
    elif kind == 4:  # splice in another family
        other = rng.choice(list(FAMILIES.values()))(rng, vocab)
        start = rng.randint(0, len(other))
        out = text[:cut] + other[start : start + rng.randint(1, 800)] + text[cut:]
    else:  # a question around it
        out = rng.choice(TEMPLATES).format(text)
    return out[:MAX_MESSAGE_CHARS] or text


def cold_ask_ms(engine: GlossaryEngine, text: str, runs: int = RUNS) -> float:
    """The minimum over ``runs`` runs of ``engine.ask(text)`` in milliseconds, caches emptied before each run."""
    best = float("inf")
    for _ in range(runs):
        clear_caches()
        started = time.perf_counter()
        engine.ask(text)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


@dataclass(slots=True)
class Finding:
    """The slowest message found for one family."""

    family: str
    text: str
    ms: float


def search_family(
    engine: GlossaryEngine, family: str, vocab: Vocabulary, *, seed: int, seeds: int, rounds: int
) -> Finding:
    """The slowest message of ``family``: ``seeds`` generated ones, then ``rounds`` rounds mutating the slowest.
    Deterministic for a given seed and glossary (each family has its own random stream)."""
    shape = FAMILIES[family]
    rng = random.Random(f"{seed}/{family}")
    pool = [(cold_ask_ms(engine, text, runs=1), text) for text in (shape(rng, vocab) for _ in range(seeds))]
    keep = 4
    for _ in range(rounds):
        pool.sort(reverse=True)
        pool = pool[: keep * 2]
        for _ms, parent in pool[:keep]:
            child = mutate(parent, rng, vocab)
            pool.append((cold_ask_ms(engine, child, runs=1), child))
    pool.sort(reverse=True)
    # Re-time the slowest few with the minimum of RUNS runs, which absorbs noise from other processes.
    timed = [(cold_ask_ms(engine, text), text) for _ms, text in pool[:keep]]
    ms, text = max(timed)
    return Finding(family, text, ms)


def dev_median_ms(engine: GlossaryEngine) -> float:
    """The median time of the development questions, timed like the hostile messages."""
    queries = [query for query, _term, _intent in load_queries(ROOT / "tests/data/dev.tsv")]
    return statistics.median(cold_ask_ms(engine, query) for query in queries)


def _show(text: str, width: int = 70) -> str:
    shown = repr(text[:width])
    return shown + ("…" if len(text) > width else "")


def run(engine: GlossaryEngine, label: str, args: argparse.Namespace) -> bool:
    """Search every chosen family on ``engine``; print the report; True when the worst is within budget."""
    vocab = Vocabulary.of(engine.glossary)
    for query in ("what is phishing", "how do i stop sql injection in my app"):  # warm up imports and indexes
        engine.ask(query)
    median = dev_median_ms(engine)
    print(f"\n== {label}: {len(engine.glossary)} entries; budget {args.budget_ms:g} ms per message")
    findings: list[Finding] = []
    for family in args.family or FAMILIES:
        started = time.perf_counter()
        finding = search_family(engine, family, vocab, seed=args.seed, seeds=args.seeds, rounds=args.rounds)
        findings.append(finding)
        verdict = "ok" if finding.ms <= args.budget_ms else "OVER"
        print(f"{family:<18} {finding.ms:7.2f} ms  {verdict:<4}  len {len(finding.text):5}  {_show(finding.text)}"
              f"  ({time.perf_counter() - started:.1f} s)")
    worst = max(findings, key=lambda f: f.ms)
    passed = worst.ms <= args.budget_ms
    print(f"worst: {worst.family}, {worst.ms:.2f} ms, len {len(worst.text)}: {_show(worst.text, 120)}")
    print(f"median dev question (tests/data/dev.tsv): {median:.3f} ms; worst/median = {worst.ms / median:.0f}x")
    print(f"{'PASS' if passed else 'FAIL'}: worst {worst.ms:.2f} ms {'<=' if passed else '>'} {args.budget_ms:g} ms")
    return passed


def main() -> int:
    """Parse the arguments, run the search for each glossary, exit 1 on any FAIL."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--glossary", default=str(ROOT / "glossary_data"))
    parser.add_argument("--size", type=int, default=10_000, help="synthetic glossary size (0: skip it)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--seeds", type=int, default=24, help="generated messages per family before the search")
    parser.add_argument("--rounds", type=int, default=25, help="mutation rounds per family")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES), help="only these (repeatable)")
    parser.add_argument("--budget-ms", type=float, default=BUDGET_MS)
    args = parser.parse_args()
    base = load_glossary(args.glossary)
    ok = run(GlossaryEngine(base), f"glossary {args.glossary}", args)
    if args.size:
        started = time.perf_counter()
        big = Glossary.of(synthetic_entries(args.size, base))
        engine = GlossaryEngine(big)
        print(f"\n(built the {args.size}-entry synthetic engine in {time.perf_counter() - started:.1f} s)")
        ok &= run(engine, "synthetic glossary", args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
