"""Property tests: any Unicode text up to 4 000 characters is parsed, resolved and answered without error.

Hypothesis' default deadline (200 ms per example) stays on: a slow input fails here too. The 20 ms budget per
message is checked on hostile shapes in ``test_hostile_input.py``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import GlossaryEngine
from bot.engine.questions import parse_all
from bot.engine.resolver import Resolver
from bot.glossary import load_glossary
from tests.conftest import ROOT

GLOSSARY = load_glossary(ROOT / "glossary_data")
RESOLVER = Resolver(GLOSSARY.entries)
ENGINE = GlossaryEngine(GLOSSARY, resolver=RESOLVER)
TEXT = st.text(max_size=4000)
WORDY = st.lists(
    st.sampled_from(["what", "is", "how", "do", "it", "xss", "phishing", "the", "in", "my", "app", "🔥", "\u200b",
                     "ＡＩ", "defend", "against", "other", "names", "for", "#", "24", "é", "\n", "@everyone"]),
    max_size=60,
).map(" ".join)


@settings(max_examples=300)
@given(st.one_of(TEXT, WORDY))
def test_parser_accepts_anything(text: str) -> None:
    readings = parse_all(text)
    assert readings and readings[-1].templated is False


@settings(max_examples=300)
@given(st.one_of(TEXT, WORDY))
def test_resolver_accepts_anything(text: str) -> None:
    result = RESOLVER.resolve(text)
    assert result.status in ("answer", "suggest", "none")
    assert len(result.suggestions) <= 5
    assert (result.entry is not None) == (result.status == "answer")


@settings(max_examples=200)
@given(st.one_of(TEXT, WORDY))
def test_engine_answers_anything(text: str) -> None:
    answer = ENGINE.ask(text, conversation="prop")
    assert answer.intent in ("define", "how", "defend", "aliases", "examples", "related", "none")
    assert (answer.term is None) or answer.status == "answer"
