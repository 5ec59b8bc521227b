"""No message can freeze the bot: ``GlossaryEngine.ask`` answers any message of up to 4,000 characters within
20 ms, whatever it contains (issue 9).

Each message is timed as the minimum of three runs with the engine's word caches emptied before every run (so a
run costs what a never-seen message costs; the minimum absorbs noise from other processes on the machine), on an
engine warmed up with ordinary questions; ``ask_ms`` says what happens on a loaded machine. Hypothesis' own
deadline is set far above the budget (all the runs must fit in it); the assertion on the measured time is what
checks the budget.
"""

from __future__ import annotations

import string
import time
from datetime import timedelta

import pytest
from hypothesis import given, settings, target
from hypothesis import strategies as st

from bot.engine import GlossaryEngine
from bot.engine.resolver import clear_caches
from bot.glossary import load_glossary
from tests.conftest import ROOT

BUDGET_MS = 20.0
MAX_CHARS = 4000
GLOSSARY = load_glossary(ROOT / "glossary_data")
ENGINE = GlossaryEngine(GLOSSARY)
NAMES = sorted({name for entry in GLOSSARY for name in entry.names})
NAME_WORDS = sorted({word for name in NAMES for word in name.lower().replace("-", " ").split()})
CUE_WORDS = (
    "what is are how does do work defend against stop prevent protect from examples of related to other names "
    "for stand short aka meaning explain tell me about in on my the a with at using when via it that please"
).split()
PREPOSITIONS = ("in", "on", "for", "with", "at", "from", "using", "inside", "within", "into", "under", "via", "when")
TEMPLATES = ("what is {}", "how does {} work", "how do i stop {} in my app", "other names for {}", "examples of {}",
             "terms related to {}", "what does {} stand for", "{} meaning", "keep {} out of my network")
HEX = "0123456789abcdef"

for _question in ("what is phishing", "how do i stop sql injection in my app", "xss", "examples of ransomware"):
    ENGINE.ask(_question)  # warm up: indexes touched, code paths compiled


def cold_ask_ms(text: str, runs: int = 3, pause_s: float = 0.0) -> float:
    """The fastest of ``runs`` runs of ``ENGINE.ask(text)`` in ms, each with the engine's caches emptied (and
    after ``pause_s`` seconds of sleep, which lets the scheduler run other processes first)."""
    best = float("inf")
    for _ in range(runs):
        time.sleep(pause_s)
        clear_caches()
        started = time.perf_counter()
        ENGINE.ask(text)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


# Hypothesis draws short lists and strings; the engine must be fast on long ones. Messages are built from up to
# 80 drawn pieces, cycled to a drawn length that is often the longest a message can be.
LENGTH = st.one_of(st.sampled_from((800, MAX_CHARS)), st.integers(1, MAX_CHARS))


def ask_ms(text: str) -> float:
    """The engine's time for ``text``: the fastest of 3 cold runs or, when that is over budget, of 10 more runs
    after short pauses. On a loaded machine (test runs in parallel on two cores) three back-to-back runs can all
    be delayed by several times their length (a 3 ms message measured 20 ms); a message that truly needs more than
    the budget stays over it however often it runs."""
    elapsed = cold_ask_ms(text)
    if elapsed > BUDGET_MS:
        elapsed = min(elapsed, cold_ask_ms(text, runs=10, pause_s=0.002))
    return elapsed


def _filled(piece: st.SearchStrategy[str], separators: tuple[str, ...] = (" ",)) -> st.SearchStrategy[str]:
    """Pieces joined by one of ``separators``, repeated in turn up to a drawn length."""

    def build(item: tuple[list[str], str, int]) -> str:
        pieces, separator, length = item
        unit = separator.join(pieces) + separator
        return (unit * (length // max(1, len(unit)) + 1))[:length]

    return st.tuples(st.lists(piece, min_size=1, max_size=80), st.sampled_from(separators), LENGTH).map(build)


NAME = st.sampled_from(NAMES).map(str.lower)
WORD = st.sampled_from(NAME_WORDS + CUE_WORDS)
HEX_TOKEN = st.text(HEX, min_size=32, max_size=400)
LETTERS = st.text(string.ascii_lowercase, min_size=1, max_size=12)

TYPO_NAME = st.tuples(NAME, st.integers(0, 60), st.sampled_from(string.ascii_lowercase)).map(
    lambda item: item[0][: item[1]] + item[2] + item[0][item[1] + 1 :]
)
MENTION = st.one_of(
    st.integers(0, 10**19).map(lambda n: f"<@{n}>"),
    st.integers(0, 10**19).map(lambda n: f"<@!{n}>"),
    st.integers(0, 10**19).map(lambda n: f"<#{n}>"),
    st.sampled_from(("@everyone", "@here", "<@&1>", "<@", "<#>")),
)
URL = st.lists(WORD, min_size=1, max_size=8).map(lambda ws: "https://" + ws[0] + ".example.com/" + "/".join(ws))
ZALGO = st.tuples(WORD, st.lists(st.integers(0x300, 0x36F), min_size=1, max_size=12)).map(
    lambda item: "".join(c + "".join(map(chr, item[1])) for c in item[0])
)
EMOJI = st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=20)

HOSTILE = st.one_of(
    # a long word after a preposition with more than four words after it (the first message)
    st.tuples(NAME, st.sampled_from(PREPOSITIONS), st.integers(1, 3900)).map(
        lambda item: f"what is {item[0]} {item[1]} {'a' * item[2]} b c d e"[:MAX_CHARS]
    ),
    # pasted hashes in a natural question (the second message)
    st.tuples(NAME, st.lists(HEX_TOKEN, min_size=1, max_size=8)).map(
        lambda item: f"how do i stop {item[0]} in {' '.join(item[1])} on my site at work today"[:MAX_CHARS]
    ),
    _filled(st.sampled_from(string.ascii_lowercase + string.digits), ("",)),  # one word of up to 4,000 characters
    _filled(HEX_TOKEN, ("", " ")),
    _filled(NAME, (" ", ", ", "", " and ", "-")),  # term salads of the glossary's names and aliases
    _filled(WORD),  # glossary and question words forming no name
    _filled(TYPO_NAME),  # typos: many fuzzy candidates
    _filled(st.text(string.ascii_lowercase, min_size=1, max_size=3)),  # thousands of short words
    st.tuples(NAME, _filled(st.tuples(st.sampled_from(PREPOSITIONS), st.one_of(WORD, LETTERS)).map(" ".join))).map(
        lambda item: f"what is {item[0]} {item[1]}"
    ),  # many preposition phrases
    _filled(st.tuples(st.sampled_from(TEMPLATES), NAME).map(lambda t: t[0].format(t[1]))),  # question shapes
    _filled(st.text("?!.,;:-_*~|#@&()[]{}<>\"'`\\/ \n", min_size=1, max_size=30), ("", " ")),  # punctuation
    _filled(st.one_of(URL, WORD)).map(lambda s: "what is " + s),
    _filled(st.one_of(URL, WORD, NAME), ("\n",)).map(lambda s: f"is this sql injection?\n```python\n{s}\n```"),
    _filled(st.one_of(EMOJI, ZALGO, WORD, NAME, st.text(max_size=20))),  # emoji, zalgo, any unicode
    _filled(st.one_of(MENTION, WORD, NAME)),  # Discord mentions
    st.text(max_size=MAX_CHARS),
).map(lambda text: text[:MAX_CHARS])


@settings(max_examples=400, deadline=timedelta(seconds=1), database=None)
@given(HOSTILE)
def test_any_hostile_message_is_answered_within_budget(text: str) -> None:
    elapsed = ask_ms(text)
    target(elapsed, label="ms per message")  # steer generation towards slower messages
    assert elapsed <= BUDGET_MS, f"{elapsed:.1f} ms for {len(text)} chars: {text[:120]!r}"


HEX_240 = ("3f9a0c7e51b2d4886e0f" * 12)[:240]


@pytest.mark.parametrize(
    "text",
    [
        "what is phishing in " + "a" * 300 + " b c d e",  # ~20 s before the fix
        f"how do i stop sql injection in {HEX_240} on my site at work today",  # ~4.7 s before the fix
        "what is phishing in " + "a" * 3900 + " b c d e",
        "x" * MAX_CHARS,
        "a " * (MAX_CHARS // 2),
        "?!" * (MAX_CHARS // 2) + "x",
        " ".join(NAMES)[:MAX_CHARS],
        "".join(NAMES)[:MAX_CHARS],
        ("what is phishing " + " ".join(f"{p} x" for p in PREPOSITIONS) * 40)[:MAX_CHARS],
        " ".join(NAME_WORDS[::7])[:MAX_CHARS],  # glossary words that form no name: every span is looked up
    ],
    ids=["issue-long-word", "issue-hex-token", "longest-word-after-prep", "one-word", "short-words", "punctuation",
         "all-names", "all-names-glued", "preposition-chain", "name-words"],
)
def test_known_slow_shapes_are_answered_within_budget(text: str) -> None:
    elapsed = ask_ms(text)
    assert elapsed <= BUDGET_MS, f"{elapsed:.1f} ms"


@pytest.mark.parametrize(
    ("text", "term", "intent"),
    [
        (f"how do i stop sql injection in my app {HEX_240}", "SQL Injection", "defend"),
        (f"how do i stop sql injection in {HEX_240}", "SQL Injection", "defend"),
        (f"what is xss? {HEX_240}", "Cross-Site Scripting", "define"),
    ],
)
def test_questions_with_a_pasted_token_are_still_answered(text: str, term: str, intent: str) -> None:
    """Long words are cut, not the message: the question around a pasted hash is read as before."""
    answer = ENGINE.ask(text)
    assert (answer.term, answer.intent) == (term, intent)
