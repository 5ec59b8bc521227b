"""Normalisation: case, NFKC, invisible characters, punctuation, hyphens, plurals, articles."""

from __future__ import annotations

import pytest

from bot.text import MAX_WORD_CHARS, compact_key, identity_key, key, parse_words, singular, words


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Cross-Site Scripting", "cross site  scripting"),
        ("CROSS‑SITE SCRIPTING", "cross-site scripting"),  # non-breaking hyphen
        ("Ｐｈｉｓｈｉｎｇ", "phishing"),  # full-width letters (NFKC)
        ("phi\u200bshing", "phishing"),  # zero-width space
        ("phish\u0000ing", "phishing"),  # control character
        ("the Zero Trust", "zero trust"),
        ("a Rootkit", "rootkit"),
        ("Rootkits", "rootkit"),
        ("Policies", "policy"),
        ("Man-in-the-Middle Attacks", "man in the middle attack"),
        ("MITRE ATT&CK", "mitre att & ck"),
        ("Café", "cafe"),
    ],
)
def test_equivalent_forms_share_a_key(a: str, b: str) -> None:
    assert key(a) == key(b)


def test_compact_key_ignores_spaces() -> None:
    assert compact_key("pen test") == compact_key("Pentest") == compact_key("PEN-TEST")


@pytest.mark.parametrize("token", ["dos", "ips", "ids", "xss", "sso", "sms"])
def test_short_abbreviations_are_not_singularised(token: str) -> None:
    assert singular(token) == token


@pytest.mark.parametrize(("plural", "single"), [("attacks", "attack"), ("proxies", "proxy"), ("hashes", "hash")])
def test_plurals(plural: str, single: str) -> None:
    assert singular(plural) == single


def test_identity_key_ignores_case_punctuation_and_spacing() -> None:
    assert identity_key("Pass-the-Hash") == identity_key("pass the hash") == identity_key("PASSTHEHASH")


def test_leading_article_alone_is_kept() -> None:
    assert key("the") == "the"
    assert key("") == ""


def test_chat_words_are_cut_to_the_word_limit() -> None:
    """A pasted hash stays one (cut) word of the message; names and /define terms keep their words whole."""
    token = "3f9a" * 60
    assert parse_words(f"what's {token} in my app?") == ["whats", token[:MAX_WORD_CHARS], "in", "my", "app"]
    assert words(f"long {token}") == ["long", token]
