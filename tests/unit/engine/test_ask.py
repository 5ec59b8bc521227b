"""The engine end to end without Discord: intents, answers, follow-ups and their expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.engine import GlossaryEngine
from bot.engine.answer import faq_questions
from bot.glossary import Glossary


def test_define_answer_has_everything_a_glossary_page_shows(engine: GlossaryEngine) -> None:
    answer = engine.ask("what is AI alignment?")
    assert answer.status == "answer" and answer.intent == "define"
    assert answer.term == "AI Alignment" and answer.entry_number == 24
    headings = [s.heading for s in answer.sections]
    assert headings == ["Definition", "Description", "Examples", "Other names", "Related terms"]
    assert "Value alignment" in answer.sections[3].items
    assert set(answer.next_intents) == {"how", "defend", "aliases", "examples", "related"}


@pytest.mark.parametrize(
    ("message", "intent", "heading"),
    [
        ("how does phishing work", "how", "How it works"),
        ("how do you defend against phishing?", "defend", "How to defend"),
        ("what are other names for MFA", "aliases", "Other names"),
        ("examples of smishing", "examples", "Examples"),
        ("terms related to ransomware", "related", "Related terms"),
    ],
)
def test_each_intent_answers_its_part(engine: GlossaryEngine, message: str, intent: str, heading: str) -> None:
    answer = engine.ask(message)
    assert answer.intent == intent and answer.status == "answer"
    assert answer.sections[0].heading == heading
    assert answer.sections[0].body or answer.sections[0].items


@pytest.mark.parametrize("message", ["ok", "thanks bot!", "lol", "gm everyone", "how do worm gears work",
                                     "how to get rid of rats in my garage", "what is a sandwich"])
def test_chatter_is_intent_none(engine: GlossaryEngine, message: str) -> None:
    answer = engine.ask(message)
    assert answer.intent == "none" and answer.term is None


def test_unknown_security_term_is_not_guessed(engine: GlossaryEngine) -> None:
    answer = engine.ask("what is a nonce")
    assert answer.intent == "define" and answer.term is None
    assert answer.status in ("unknown", "suggest")


def test_follow_ups_use_the_last_term(engine: GlossaryEngine) -> None:
    conv = ("user", "channel")
    assert engine.ask("what is phishing?", conv).term == "Phishing"
    follow = engine.ask("how do you defend against it?", conv)
    assert (follow.term, follow.intent, follow.from_context) == ("Phishing", "defend", True)
    assert engine.ask("other names for that?", conv).intent == "aliases"
    switched = engine.ask("and spear phishing?", conv)
    assert switched.term == "Spear Phishing"
    assert engine.ask("examples?", conv).term == "Spear Phishing"


def test_follow_ups_are_per_conversation(engine: GlossaryEngine) -> None:
    engine.ask("what is phishing?", ("alice", 1))
    assert engine.ask("how do you stop it?", ("bob", 1)).term is None
    assert engine.ask("how do you stop it?", ("alice", 2)).term is None
    assert engine.ask("how do you stop it?", ("alice", 1)).term == "Phishing"


def test_context_expires_after_idle_time(glossary: Glossary) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    engine = GlossaryEngine(glossary, clock=clock)
    engine.ask("what is ransomware", "c")
    clock.advance(timedelta(minutes=9, seconds=59))
    assert engine.ask("how do you stop it", "c").term == "Ransomware"
    clock.advance(timedelta(minutes=10, seconds=1))
    expired = engine.ask("how do you stop it", "c")
    assert expired.term is None and expired.status == "unknown"


def test_no_context_without_a_conversation_key(engine: GlossaryEngine) -> None:
    engine.ask("what is phishing?")
    assert engine.ask("how do you defend against it?").term is None


def test_define_command_gives_suggestions_when_unsure(engine: GlossaryEngine) -> None:
    answer = engine.define("injection")
    assert answer.status == "suggest" and answer.term is None and answer.suggestions


def test_faq_covers_the_five_generated_questions(glossary: Glossary) -> None:
    entry = glossary.by_name("Phishing")
    assert entry is not None
    questions = [q for _, q in faq_questions(entry)]
    for expected in ("What is Phishing?", "What does Phishing mean?", "How does Phishing work?",
                     "How do you defend against Phishing?", "What are other names for Phishing?"):
        assert expected in questions
    for intent, question in faq_questions(entry):
        answer = GlossaryEngine(glossary).ask(question)
        assert (answer.term, answer.intent) == ("Phishing", intent), question


@pytest.mark.parametrize(
    ("message", "term"),
    [
        ("how do i secure my docker containers", "Container Security"),
        ("securing kubernetes clusters?", "Kubernetes Security"),
        ("how do i secure my smart home iot devices", "IoT Security"),
    ],
)
def test_securing_x_asks_about_x_security(engine: GlossaryEngine, message: str, term: str) -> None:
    answer = engine.ask(message)
    assert (answer.term, answer.intent) == (term, "defend")


def test_secure_inside_a_name_is_not_a_cue(engine: GlossaryEngine) -> None:
    answer = engine.ask("secure boot")
    assert (answer.term, answer.intent) == ("Secure Boot", "define")


def test_every_name_answers_every_faq_question(glossary: Glossary) -> None:
    """Each canonical name and alias, in each generated FAQ shape, reaches its own entry and intent."""
    engine = GlossaryEngine(glossary)
    shapes = [("{n}", "define"), ("what is {n}?", "define"), ("how does {n} work", "how"),
              ("how do i prevent {n}", "defend"), ("other names for {n}", "aliases"), ("examples of {n}", "examples"),
              ("terms related to {n}", "related")]
    misses = [
        (shape.format(n=name.lower()), answer.term, answer.intent)
        for entry in glossary
        for name in entry.names
        for shape, intent in shapes
        if ((answer := engine.ask(shape.format(n=name.lower()))).term, answer.intent) != (entry.term, intent)
    ]
    assert misses == []


@pytest.mark.parametrize(
    ("message", "term"),
    [("zero trust explain like im 5", "Zero Trust"), ("swatting?", None)],
)
def test_numbers_and_lookalike_words(engine: GlossaryEngine, message: str, term: str | None) -> None:
    """A number inside a sentence is not an entry number; two edits that change letters make another word."""
    assert engine.ask(message).term == term


def test_what_is_entry_n_names_that_entry(engine: GlossaryEngine, glossary: Glossary) -> None:
    """"what is entry N" answers entry N, for every N the glossary has."""
    misses = [e.entry for e in glossary.entries if engine.ask(f"what is entry {e.entry}").term != e.term]
    assert misses == []
