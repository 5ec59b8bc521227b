"""The question parser: intents, term text, chatter and references back."""

from __future__ import annotations

import pytest

from bot.engine.questions import parse, parse_all, strip_mentions


@pytest.mark.parametrize(
    ("message", "intent", "term"),
    [
        ("what is phishing?", "define", "phishing"),
        ("What's a RAT", "define", "rat"),
        ("hey bot whats a botnet", "define", "botnet"),
        ("define xss pls", "define", "xss"),
        ("eli5 homomorphic encryption", "define", "homomorphic encryption"),
        ("what does mfa mean", "define", "mfa"),
        ("how does a honeypot work", "how", "honeypot"),
        ("can someone explain how csrf works?", "how", "csrf"),
        ("how do you defend against ddos", "defend", "ddos"),
        ("how do i protect my grandma from tech support scams", "defend", "tech support scams"),
        ("ways to mitigate clickjacking", "defend", "clickjacking"),
        ("what does XXE stand for", "aliases", "xxe"),
        ("another word for MITM?", "aliases", "mitm"),
        ("other names for whaling", "aliases", "whaling"),
        ("give me an example of reward hacking", "examples", "reward hacking"),
        ("terms related to ai alignment", "related", "ai alignment"),
    ],
)
def test_intent_and_term(message: str, intent: str, term: str) -> None:
    parsed = parse(message)
    assert parsed.intent == intent
    assert parsed.term_text == term


def test_trailing_context_is_split_off() -> None:
    parsed = parse("how do i stop sql injection in my app")
    assert parsed.intent == "defend"
    assert parsed.head_text == "sql injection"
    assert parsed.context_words == ("app",)


@pytest.mark.parametrize(
    "message", ["how do you defend against it?", "other names for that?", "example please", "walk me through the flow"]
)
def test_references_back(message: str) -> None:
    assert parse(message).refers_back


def test_bare_reading_always_last() -> None:
    readings = parse_all("data loss prevention")
    assert readings[-1].templated is False
    assert readings[-1].term_text == "data loss prevention"


def test_mentions_are_removed() -> None:
    assert strip_mentions("<@123> what is <@&456> @everyone xss <#789>").split() == ["what", "is", "xss"]
    assert parse("<@!42> what is xss").term_text == "xss"


@pytest.mark.parametrize("message", ["", "   ", "???", "\u200b\u200b"])
def test_empty_messages(message: str) -> None:
    assert parse(message).intent == "none"
