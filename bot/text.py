"""Text normalisation shared by the validator, the resolver and the question parser.

Every name, alias and query goes through the same steps, so that "Cross-site  scripting", "cross site
scripting" and "CROSS‑SITE SCRIPTING" compare equal:

* Unicode NFKC, then case folding;
* zero-width, format and control characters removed;
* ``&`` read as "and" when it joins words, otherwise dropped; other punctuation and hyphens become spaces;
* runs of whitespace collapsed; leading articles ("a", "an", "the") dropped;
* simple plurals reduced ("attacks" -> "attack", "policies" -> "policy"), never on short tokens such as
  "dos", "ips" or "ids", where the "s" is part of an abbreviation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 200
"""Only this many characters of a query are considered (after trimming)."""
MAX_WORD_CHARS = 40
"""A chat message's words are cut to this many characters, more than twice the longest glossary word (17): only
pasted hashes, tokens and runs of letters are cut, and no single word can make the parser's work grow."""

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_ARTICLES = frozenset({"a", "an", "the"})
_TOKEN_RE = re.compile(r"[0-9a-z]+")
# Characters kept while parsing: letters, digits, apostrophes (for "what's"); all else becomes a space.
_NON_WORD_RE = re.compile(r"[^0-9a-z']+")
_NO_PLURAL_ENDINGS = ("ss", "us", "is", "os", "ics", "ous", "sis")


_ASCII_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Return ``text`` with NFKC applied, case folded, format/control characters removed, space collapsed."""
    if text.isascii():
        return " ".join(_ASCII_CONTROL_RE.sub("", text).lower().translate(_QUOTES).split())
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Co", "Cs", "Cn"):
            out.append(" " if ch in "\t\n\r\x0b\x0c" else "")
        elif cat.startswith("Z"):
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).casefold().translate(_QUOTES).split())


def _fold_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=131072)
def singular(token: str) -> str:
    """Reduce a simple English plural; short tokens (abbreviations) are left alone."""
    if len(token) <= 3 or token.isdigit():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes")):
        return token[:-2]
    if token.endswith(_NO_PLURAL_ENDINGS) or not token.endswith("s"):
        return token
    return token[:-1]


@lru_cache(maxsize=131072)
def stem(token: str) -> str:
    """A light stem used only for typo-tolerant token comparison ("scanning" ~ "scan", "tested" ~ "test")."""
    token = singular(token)
    for suffix in ("ing", "ed", "er"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            base = token[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]
            return base
    if len(token) > 4 and token.endswith("e"):
        return token[:-1]
    return token


def words(text: str) -> list[str]:
    """Split cleaned, accent-folded text into alphanumeric words; ``&`` between words becomes "and"."""
    text = _fold_accents(clean(text))
    text = re.sub(r"(?<=\w)\s*&\s*(?=\w)", " and ", text)
    return _TOKEN_RE.findall(text.replace("'", ""))


def parse_words(text: str) -> list[str]:
    """Split a chat message into words for the question parser (apostrophes dropped, "what's" -> "whats"),
    each cut to ``MAX_WORD_CHARS``."""
    text = _fold_accents(clean(text[: MAX_QUERY_CHARS * 4]))
    text = re.sub(r"(?<=\w)\s*&\s*(?=\w)", " and ", text)
    return [word[:MAX_WORD_CHARS] for word in (w.replace("'", "") for w in _NON_WORD_RE.split(text)) if word]


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a name or query: words, leading articles dropped, plurals reduced."""
    toks = words(text[:MAX_QUERY_CHARS])
    while toks and toks[0] in _ARTICLES and len(toks) > 1:
        toks = toks[1:]
    return tuple(singular(t) for t in toks)


def key(text: str) -> str:
    """The comparison key of a name: its normalised tokens joined by single spaces."""
    return " ".join(name_tokens(text))


def compact_key(text: str) -> str:
    """The key with no spaces at all, so "pen test", "pen-test" and "pentest" compare equal."""
    return "".join(name_tokens(text))


def identity_key(text: str) -> str:
    """The key used to detect duplicate names and aliases: case, punctuation and spacing ignored."""
    return "".join(words(text))
