"""Resolve a term query to a glossary entry: number, exact name or alias, then typo-tolerant matching.

The resolver gives one of three outcomes (``Resolution.status``):

* ``"answer"``: a confident match, safe to answer with;
* ``"suggest"``: weak or ambiguous; up to five suggestions and no answer;
* ``"none"``: nothing resembles the query.

Fuzzy matching works on words, not on the whole string, so that a short query never snaps to a long name
(the failure of WRatio-style scorers). Each query word is matched to the glossary's vocabulary by
exact form, light stem, adjacent transposition, or a small edit distance that grows with the word's
length; abbreviations of up to four letters only ever match exactly or as a transposition (IPS is not
IDS, DoS is not DDoS). A name scores by how much of it the query covers, minus a penalty for each query
word it leaves unexplained: words from the entry's own text cost little, unrelated words ("worm gear")
cost a lot.

Candidates come from an inverted index of words and a symmetric-deletion index of their one-letter
deletions, so a lookup costs the same at 300 or 100 000 entries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import OSA

from bot.engine.normalise import MAX_QUERY_CHARS, clean, compact_key, key, name_tokens, singular, stem, words
from bot.engine.vocabulary import GENERIC, SECURITY_LEXICON, STOPWORDS, TECH_CONTEXT
from bot.glossary.model import Entry

Status = Literal["answer", "suggest", "none"]

CONFIDENT = 80.0
"""Scores at or above this answer (when not ambiguous)."""
WEAK = 55.0
"""Scores at or above this (and below ``CONFIDENT``) only suggest."""
MARGIN = 6.0
"""A confident best must beat the best other entry by this much, else the outcome is ambiguous."""
MAX_SUGGESTIONS = 5
_BIG_POSTING = 3000

_NUMBER_RE = re.compile(r"^(?:(?:entry|no|number|nr|num|n|#|№|n°)\.?\s*)*0*(\d{1,6})$")


@dataclass(frozen=True, slots=True)
class Resolution:
    """The resolver's verdict on a query."""

    status: Status
    entry: Entry | None = None
    score: float = 0.0
    matched_name: str | None = None
    suggestions: tuple[Entry, ...] = ()
    method: str = ""
    used: int = 0
    """How many words of the query the matched name accounts for (the rest were tolerated extras)."""

    @property
    def answered(self) -> bool:
        """True when the resolver is confident in ``entry``."""
        return self.status == "answer"


@dataclass(frozen=True, slots=True)
class _Name:
    entry_index: int
    text: str
    tokens: tuple[str, ...]
    weights: tuple[float, ...]


def _weights(tokens: Sequence[str]) -> tuple[float, ...]:
    if len(tokens) == 1:
        return (float(len(tokens[0])),)
    out = []
    for tok in tokens:
        w = float(max(len(tok), 2))
        if tok in STOPWORDS:
            w = 0.6
        elif tok in GENERIC:
            w *= 0.3
        out.append(w)
    return tuple(out)


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _is_transposition(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def token_similarity(query: str, vocab: str, *, anchored: bool = False) -> float:
    """How alike a query word and a glossary word are, from 0 to 1.

    ``anchored`` is true when the word is part of a longer name whose other words also match; only then
    may a short word (up to four letters) differ by one edit.
    """
    if query == vocab:
        return 1.0
    if query.isdigit() or vocab.isdigit():
        return 0.0
    if stem(query) == stem(vocab) and min(len(query), len(vocab)) >= 3:
        return 0.95
    shortest = min(len(query), len(vocab))
    if _is_transposition(query, vocab):
        return 0.92 if shortest >= 3 else 0.0
    if anchored and len(query) >= 4 and len(vocab) >= len(query) + 3 and vocab.startswith(query):
        return 0.8  # a clipped word inside a longer name: "crypto" for "cryptography", "exfil"
    if shortest <= 4:
        if anchored and shortest >= 3 and abs(len(query) - len(vocab)) <= 1 and OSA.distance(query, vocab) <= 1:
            return 0.85
        return 0.0
    limit = 1 if shortest <= 6 else 2
    dist = OSA.distance(query, vocab, score_cutoff=limit)
    if dist > limit or query[0] != vocab[0]:
        return 0.0
    return 1.0 - 0.5 * dist / max(len(query), len(vocab))


class Resolver:
    """Resolves queries against a fixed set of entries. Build once per glossary; lookups are read-only."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = sorted(entries, key=lambda e: e.entry)
        self._by_number = {e.entry: i for i, e in enumerate(self.entries)}
        self._names: list[_Name] = []
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._whole: dict[str, list[int]] = defaultdict(list)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        self._anagrams: dict[str, set[str]] = defaultdict(set)
        self._stems: dict[str, set[str]] = defaultdict(set)
        self.domain_words: set[str] = set(TECH_CONTEXT) | SECURITY_LEXICON
        for index, entry in enumerate(self.entries):
            for name in entry.names:
                self._add_name(index, name)
        for vocab in list(self._postings) + list(self._whole):
            self._index_token(vocab)
        self._postings = dict(self._postings)
        self._whole = dict(self._whole)
        self._deletes = dict(self._deletes)
        self._anagrams = dict(self._anagrams)
        self._stems = dict(self._stems)
        self._exact = dict(self._exact)
        self.domain_words.update(GENERIC)
        for vocab in self._postings:
            if vocab not in STOPWORDS:
                self.domain_words.add(vocab)
                self.domain_words.add(stem(vocab))
        self._sorted_keys = sorted(
            (key(name), name, i) for i, e in enumerate(self.entries) for name in e.names
        )

    # -- index ---------------------------------------------------------------------------------------------
    def _add_name(self, index: int, name: str) -> None:
        tokens = name_tokens(name)
        if not tokens:
            return
        name_id = len(self._names)
        self._names.append(_Name(index, name, tokens, _weights(tokens)))
        self._exact[" ".join(tokens)].add(index)
        self._exact["".join(tokens)].add(index)
        for tok in set(tokens):
            self._postings[tok].append(name_id)
        if len(tokens) > 1:
            self._whole["".join(tokens)].append(name_id)

    def _index_token(self, vocab: str) -> None:
        self._stems[stem(vocab)].add(vocab)
        if len(vocab) <= 4:
            self._anagrams["".join(sorted(vocab))].add(vocab)
        if len(vocab) >= 4:
            for variant in _deletes(vocab):
                self._deletes[variant].add(vocab)
        self._deletes[vocab].add(vocab)

    @staticmethod
    def _entry_words(entry: Entry) -> set[str]:
        text = " ".join((entry.term, *entry.aliases, *entry.related, entry.definition, entry.description))
        return {stem(w) for w in words(text) if w not in STOPWORDS} | set(words(text))

    @lru_cache(maxsize=4096)  # noqa: B019 - the resolver lives as long as its glossary
    def _entry_vocab(self, index: int) -> frozenset[str]:
        return frozenset(self._entry_words(self.entries[index]))

    # -- lookup --------------------------------------------------------------------------------------------
    @lru_cache(maxsize=8192)  # noqa: B019 - the resolver lives as long as its glossary
    def _vocab_matches(self, token: str, *, anchored_ok: bool, deep: bool = True) -> dict[str, float]:
        """Glossary words similar to a query word, with their similarity."""
        found: dict[str, float] = {}
        candidates: set[str] = set()
        empty: set[str] = set()
        candidates.update(self._stems.get(stem(token), empty))
        if len(token) <= 4:
            candidates.update(self._anagrams.get("".join(sorted(token)), empty))
        candidates.update(self._deletes.get(token, empty))
        if len(token) >= 4:
            first = _deletes(token)
            for variant in first:
                candidates.update(self._deletes.get(variant, empty))
            if deep and len(token) >= 8:
                seen = set(first)
                for variant in first:
                    for second in _deletes(variant):
                        if second not in seen:
                            seen.add(second)
                            candidates.update(self._deletes.get(second, empty))
        for vocab in candidates:
            sim = token_similarity(token, vocab, anchored=anchored_ok)
            if sim > 0:
                found[vocab] = sim
        return found

    def resolve(self, query: str) -> Resolution:
        """Resolve one query (a term as typed by a user)."""
        query = query[:MAX_QUERY_CHARS]
        number = _NUMBER_RE.match(clean(query).replace(" ", " "))
        if number:
            index = self._by_number.get(int(number.group(1)))
            if index is not None:
                return Resolution("answer", self.entries[index], 100.0, self.entries[index].term, method="number",
                                  used=1)
        tokens = name_tokens(query)
        if not tokens:
            return Resolution("none")
        exact = self._exact.get(" ".join(tokens)) or self._exact.get("".join(tokens))
        if exact:
            if len(exact) == 1:
                index = next(iter(exact))
                entry = self.entries[index]
                return Resolution("answer", entry, 100.0, self._name_for(entry, tokens), method="exact",
                                  used=len(tokens))
            entries = tuple(self.entries[i] for i in sorted(exact))
            return Resolution("suggest", None, 90.0, None, entries[:MAX_SUGGESTIONS], method="exact-ambiguous")
        scores = self._fuzzy(tokens)
        return self._verdict(scores)

    def _name_for(self, entry: Entry, tokens: tuple[str, ...]) -> str:
        for name in entry.names:
            if name_tokens(name) == tokens or compact_key(name) == "".join(tokens):
                return name
        return entry.term

    def _fuzzy(self, tokens: tuple[str, ...]) -> dict[int, tuple[float, str, int]]:
        tokens = tokens[:12]
        multi = len(tokens) > 1
        # Each query word (and each run of two or three words written together) -> similar glossary words.
        per_token: list[dict[str, float]] = [self._vocab_matches(t, anchored_ok=True) for t in tokens]
        joined: list[tuple[int, int, dict[str, float]]] = []
        for size in (2, 3):
            for start in range(len(tokens) - size + 1):
                glued = "".join(tokens[start : start + size])
                matches = self._vocab_matches(glued, anchored_ok=False, deep=False)
                if matches:
                    joined.append((start, start + size, matches))
        whole = "".join(tokens)
        whole_matches = (
            {v: s for v, s in self._vocab_matches(whole, anchored_ok=False, deep=False).items() if v in self._whole}
            if len(tokens) <= 3
            else {}
        )

        candidate_names: set[int] = set()
        postings: list[list[int]] = []
        for matches in [*per_token, *(m for _, _, m in joined)]:
            for vocab in matches:
                plist = self._postings.get(vocab)
                if plist:
                    postings.append(plist)
        postings.sort(key=len)
        for i, plist in enumerate(postings):
            if len(plist) > _BIG_POSTING and (i > 0 or candidate_names):
                continue
            candidate_names.update(plist[:_BIG_POSTING * 4])
        for vocab in whole_matches:
            candidate_names.update(self._whole[vocab])

        best: dict[int, tuple[float, str, int]] = {}
        for name_id in candidate_names:
            name = self._names[name_id]
            score, used = self._score(name, tokens, per_token, joined, whole_matches, multi)
            if score <= 0:
                continue
            current = best.get(name.entry_index)
            if current is None or score > current[0]:
                best[name.entry_index] = (score, name.text, used)
        return best

    def _score(
        self,
        name: _Name,
        tokens: tuple[str, ...],
        per_token: list[dict[str, float]],
        joined: list[tuple[int, int, dict[str, float]]],
        whole_matches: dict[str, float],
        multi: bool,
    ) -> tuple[float, int]:
        compact = "".join(name.tokens)
        if compact in whole_matches:
            return 100.0 * whole_matches[compact] - 1.0, len(tokens)
        used: set[int] = set()
        covered = 0.0
        total = sum(name.weights)
        multi_name = len(name.tokens) > 1
        for tok, weight in zip(name.tokens, name.weights, strict=True):
            best_sim, best_pos = 0.0, -1
            for pos, matches in enumerate(per_token):
                if pos in used:
                    continue
                sim = matches.get(tok, 0.0)
                if sim and len(tok) <= 4 and sim < 0.9 and not multi_name:
                    sim = 0.0
                if sim > best_sim:
                    best_sim, best_pos = sim, pos
            span: tuple[int, int] | None = None
            for start, end, matches in joined:
                sim = matches.get(tok, 0.0)
                if sim > best_sim and not used.intersection(range(start, end)):
                    best_sim, best_pos, span = sim, -1, (start, end)
            if span is not None:
                used.update(range(*span))
            elif best_pos >= 0:
                used.add(best_pos)
            covered += weight * best_sim
        coverage = covered / total if total else 0.0
        if coverage <= 0:
            return 0.0, 0
        penalty = 0.0
        vocab: frozenset[str] | None = None
        for pos, tok in enumerate(tokens):
            if pos in used or tok in STOPWORDS:
                continue
            if tok in GENERIC:
                penalty += 0.02
                continue
            if vocab is None:
                vocab = self._entry_vocab(name.entry_index)
            if tok in vocab or stem(tok) in vocab:
                penalty += 0.06
            elif tok in self.domain_words or stem(tok) in self.domain_words:
                penalty += 0.15
            else:
                penalty += 0.35
        return 100.0 * (coverage - penalty), len(used)

    def _verdict(self, scores: dict[int, tuple[float, str, int]]) -> Resolution:
        if not scores:
            return Resolution("none")
        ranked = sorted(scores.items(), key=lambda item: (-item[1][0], self.entries[item[0]].entry))
        best_index, (best_score, best_name, used) = ranked[0]
        second = ranked[1][1][0] if len(ranked) > 1 else 0.0
        best_entry = self.entries[best_index]
        suggestions = tuple(self.entries[i] for i, (s, _, _) in ranked[:MAX_SUGGESTIONS] if s >= WEAK)
        if best_score >= CONFIDENT and best_score - second >= MARGIN:
            return Resolution("answer", best_entry, round(best_score, 1), best_name, suggestions[1:], method="fuzzy",
                              used=used)
        if best_score >= WEAK:
            return Resolution("suggest", None, round(best_score, 1), None, suggestions, method="fuzzy")
        return Resolution("none", None, round(best_score, 1), method="fuzzy")

    # -- helpers for other callers ----------------------------------------------------------------------
    def is_domain_word(self, word: str) -> bool:
        """True when ``word`` belongs to the glossary's vocabulary or to common computing context."""
        return word in self.domain_words or stem(word) in self.domain_words or singular(word) in self.domain_words

    def complete(self, prefix: str, limit: int = 25) -> list[Entry]:
        """Entries for autocomplete: names starting with ``prefix`` first, then fuzzy matches; best first."""
        import bisect

        wanted = key(prefix[:MAX_QUERY_CHARS])
        out: list[Entry] = []
        seen: set[int] = set()
        if not wanted:
            return self.entries[:limit]
        start = bisect.bisect_left(self._sorted_keys, (wanted,))
        for name_key, _name, index in self._sorted_keys[start:]:
            if not name_key.startswith(wanted) or len(out) >= limit:
                break
            if index not in seen:
                seen.add(index)
                out.append(self.entries[index])
        if len(out) < limit:
            resolution = self.resolve(prefix)
            extra = ([resolution.entry] if resolution.entry else []) + list(resolution.suggestions)
            if not extra:
                ranked = sorted(self._fuzzy(name_tokens(prefix)).items(), key=lambda it: -it[1][0])
                extra = [self.entries[i] for i, (s, _, _) in ranked[:limit] if s > 30]
            for entry in extra:
                index = self._by_number[entry.entry]
                if index not in seen and len(out) < limit:
                    seen.add(index)
                    out.append(entry)
        return out
