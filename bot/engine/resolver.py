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

import heapq
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

from rapidfuzz.distance import OSA

from bot.engine.vocabulary import GENERIC, SECURITY_LEXICON, STOPWORDS, TECH_CONTEXT
from bot.glossary.model import Entry
from bot.text import MAX_QUERY_CHARS, clean, compact_key, key, name_tokens, singular, stem, words

_uncached_name_tokens = name_tokens.__wrapped__
_uncached_stem = stem.__wrapped__


def _add_variant(index: dict[str, str | tuple[str, ...]], variant: str, word: str) -> None:
    current = index.get(variant)
    if current is None:
        index[variant] = word
    elif isinstance(current, str):
        if current != word:
            index[variant] = (current, word)
    elif word not in current:
        index[variant] = (*current, word)


def _collect(into: set[str], found: str | tuple[str, ...] | None) -> None:
    if found is None:
        return
    if isinstance(found, str):
        into.add(found)
    else:
        into.update(found)
Status = Literal["answer", "suggest", "none"]

CONFIDENT = 80.0
"""Scores at or above this answer (when not ambiguous)."""
WEAK = 55.0
"""Scores at or above this (and below ``CONFIDENT``) only suggest."""
MARGIN = 6.0
"""A confident best must beat the best other entry by this much, else the outcome is ambiguous."""
MAX_SUGGESTIONS = 5
_MAX_CANDIDATES = 40
_SECURITY_GENERIC = frozenset("attack attacks threat threats exploit exploits vulnerability vulnerabilities".split())
_KEEP = 6  # names scored in full: the best one, the runner-up for the margin, and the suggestions
_SET_THRESHOLD = 256

_LENGTH_SLACK = 6
"""A query word longer than every glossary word by more than this resembles none of them: ``stem`` shortens a
word by at most six letters ("policies" -> "policy", then "-ing" and a doubled letter), the deletion index
matches at most two letters more, transpositions and anagrams none. Such a word (a pasted hash, a run of
letters) skips the fuzzy lookups, whose cost grows with the square of its length."""

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


class _Name(NamedTuple):
    entry_index: int
    text: str
    tokens: tuple[str, ...]


@lru_cache(maxsize=16384)
def _weights(tokens: tuple[str, ...]) -> tuple[float, ...]:
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
    if len(query) >= 5 and vocab[1:] == query:
        return 0.85  # the first letter dropped ("nowledge", "rigin"); other first-letter changes are new words
    limit = 1 if shortest <= 6 else 2
    dist = OSA.distance(query, vocab, score_cutoff=limit)
    if dist > limit or query[0] != vocab[0]:
        return 0.0
    if dist == 2 and len(set(query).symmetric_difference(vocab)) > 1:
        return 0.0  # two edits that bring in new letters make another word ("swatting" is not "salting")
    return 1.0 - 0.5 * dist / max(len(query), len(vocab))


class Resolver:
    """Resolves queries against a fixed set of entries. Build once per glossary; lookups are read-only."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = sorted(entries, key=lambda e: e.entry)
        self._by_number = {e.entry: i for i, e in enumerate(self.entries)}
        self._names: list[_Name] = []
        self._exact: dict[str, int | tuple[int, ...]] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._whole: dict[str, int] = {}
        self._spaced: list[str] = []
        # word variant -> the glossary word(s) it comes from: one str, or a tuple when several (saves memory)
        self._deletes: dict[str, str | tuple[str, ...]] = {}
        self._anagrams: dict[str, str | tuple[str, ...]] = {}
        self._stems: dict[str, str | tuple[str, ...]] = {}
        self.domain_words: set[str] = set(TECH_CONTEXT) | SECURITY_LEXICON
        for index, entry in enumerate(self.entries):
            for name in entry.names:
                self._add_name(index, name)
        for vocab in self._postings:
            self._index_token(vocab)
        self._sorted_vocab = sorted(v for v in self._postings if len(v) >= 7)
        self._longest_word = max((len(v) for v in self._postings), default=0)
        for whole, name_id in list(self._whole.items()):  # "guardrails" for "guard rails", "portscan"
            self._whole.setdefault(_uncached_stem(whole), name_id)
        # Common words keep their postings as sets, ready for intersections; rare ones as short lists.
        self._postings: dict[str, list[int] | frozenset[int]] = {  # type: ignore[no-redef]
            vocab: frozenset(ids) if len(ids) >= _SET_THRESHOLD else ids for vocab, ids in self._postings.items()
        }
        self.domain_words.update(GENERIC)
        # Every word of every entry's own text: a query word outside it cannot be in any one entry's text, so
        # its penalty is known without reading that entry.
        self._text_words: set[str] = set()
        for entry in self.entries:
            self._text_words.update(self._entry_words(entry))
        for vocab in self._postings:
            if vocab not in STOPWORDS:
                self.domain_words.add(vocab)
                self.domain_words.add(stem(vocab))
        self._name_len = array("B", (min(255, len(n.tokens)) for n in self._names))
        order = sorted(range(len(self._spaced)), key=self._spaced.__getitem__)
        self._sorted_keys = [self._spaced[n] for n in order]  # the same string objects as the exact index's keys
        self._sorted_ids = array("I", order)
        del self._spaced
        self._longest_whole = max((len(w) for w in self._whole), default=0)

    # -- index ---------------------------------------------------------------------------------------------
    def _add_name(self, index: int, name: str) -> None:
        tokens = tuple(sys.intern(t) for t in _uncached_name_tokens(name))
        if not tokens:
            return
        name_id = len(self._names)
        self._names.append(_Name(index, name, tokens))
        spaced = " ".join(tokens)
        compact = spaced.replace(" ", "") if len(tokens) > 1 else spaced
        self._spaced.append(spaced)
        for exact_key in (spaced, compact) if compact is not spaced else (spaced,):
            current = self._exact.get(exact_key)
            if current is None:
                self._exact[exact_key] = index
            elif isinstance(current, int):
                if current != index:
                    self._exact[exact_key] = (current, index)
            elif index not in current:
                self._exact[exact_key] = (*current, index)
        for tok in set(tokens):
            self._postings[tok].append(name_id)
        if len(tokens) > 1:
            self._whole.setdefault(compact, name_id)

    def _index_token(self, vocab: str) -> None:
        _add_variant(self._stems, _uncached_stem(vocab), vocab)
        if len(vocab) <= 4:
            _add_variant(self._anagrams, "".join(sorted(vocab)), vocab)
        if len(vocab) >= 4:
            for variant in _deletes(vocab):
                _add_variant(self._deletes, variant, vocab)
        _add_variant(self._deletes, vocab, vocab)

    @staticmethod
    def _entry_words(entry: Entry) -> set[str]:
        text = " ".join((entry.term, *entry.aliases, *entry.related, entry.definition))
        return {stem(w) for w in words(text) if w not in STOPWORDS} | set(words(text))

    def _in_entry_text(self, index: int, word: str, stemmed: str) -> bool:
        """Whether a word (or its stem, as a word start) appears in the entry's names, definition or related
        terms. A plain substring search: cheap enough to run on every candidate without an index per entry."""
        entry = self.entries[index]
        text = " " + " ".join((entry.term, *entry.aliases, *entry.related, entry.definition)).lower()
        return f" {word}" in text or f" {stemmed}" in text

    # -- lookup --------------------------------------------------------------------------------------------
    @lru_cache(maxsize=8192)  # noqa: B019 - the resolver lives as long as its glossary
    def _vocab_matches(self, token: str, *, anchored_ok: bool, deep: bool = True) -> dict[str, float]:
        """Glossary words similar to a query word, with their similarity."""
        found: dict[str, float] = {}
        if len(token) > self._longest_word + _LENGTH_SLACK:
            return found
        candidates: set[str] = set()
        _collect(candidates, self._stems.get(stem(token)))
        if len(token) <= 4:
            _collect(candidates, self._anagrams.get("".join(sorted(token))))
        _collect(candidates, self._deletes.get(token))
        if anchored_ok and 4 <= len(token) <= 8:  # a clipped word: "crypto", "exfil", "cert"
            import bisect

            start = bisect.bisect_left(self._sorted_vocab, token)
            for vocab in self._sorted_vocab[start : start + 8]:
                if not vocab.startswith(token):
                    break
                candidates.add(vocab)
        if len(token) >= 4:
            first = _deletes(token)
            for variant in first:
                _collect(candidates, self._deletes.get(variant))
            if deep and len(token) >= 8:
                seen = set(first)
                for variant in first:
                    for second in _deletes(variant):
                        if second not in seen:
                            seen.add(second)
                            _collect(candidates, self._deletes.get(second))
        for vocab in candidates:
            sim = token_similarity(token, vocab, anchored=anchored_ok)
            if sim > 0:
                found[vocab] = sim
        return found

    def _whole_matches(self, compact: str) -> dict[str, float]:
        """Names written as one word matching the query written as one word (exactly, by stem, or one typo)."""
        found: dict[str, float] = {}
        if len(compact) > self._longest_whole + _LENGTH_SLACK:
            return found
        for variant, sim in ((compact, 1.0), (stem(compact), 0.95)):
            if variant in self._whole:
                found.setdefault(variant, sim)
        if len(compact) >= 8:
            for variant in _deletes(compact):
                if variant in self._whole:
                    found.setdefault(variant, 0.9)
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
        exact = self._exact.get(" ".join(tokens))
        if exact is None:
            exact = self._exact.get("".join(tokens))
        if exact is not None:
            if isinstance(exact, int):
                entry = self.entries[exact]
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

    def _posting_set(self, vocab: str) -> frozenset[int] | list[int]:
        return self._postings.get(vocab, ())  # type: ignore[return-value]

    def _candidates(
        self, per_token: list[dict[str, float]], joined: list[tuple[int, int, dict[str, float]]]
    ) -> set[int]:
        """Names worth scoring: those containing words for all query positions but at most one, found by
        set intersections of the word postings (C speed), so the cost does not grow with the glossary."""
        groups: list[frozenset[int] | set[int]] = []
        for matches in [*per_token, *(m for _, _, m in joined)]:
            postings = [self._postings[v] for v in matches if v in self._postings]
            if not postings:
                continue
            if len(postings) == 1:
                single = postings[0]
                groups.append(single if isinstance(single, frozenset) else set(single))
            else:
                union: set[int] = set()
                for plist in postings:
                    union.update(plist)
                groups.append(union)
        if not groups:
            return set()
        groups.sort(key=len)
        chosen: set[int] = set()

        name_len = self._name_len.__getitem__

        def take(pool: frozenset[int] | set[int]) -> None:
            room = _MAX_CANDIDATES - len(chosen)
            if room <= 0:
                return
            if chosen:
                pool = pool - chosen
            if len(pool) > room:  # prefer the shortest names, which a short query fits best
                chosen.update(heapq.nsmallest(room, pool, key=name_len))
            else:
                chosen.update(pool)

        # Names with a word for every query position first, then those missing one, then the rarest words'.
        take(groups[0].intersection(*groups[1:]) if len(groups) > 1 else groups[0])
        if len(groups) >= 3:
            partial: set[int] = set()
            for skip in range(len(groups)):
                rest = [g for i, g in enumerate(groups) if i != skip]
                partial |= rest[0].intersection(*rest[1:])
            take(partial)
        for group in groups:
            if chosen and len(group) > _MAX_CANDIDATES * 4:
                break  # groups are sorted by size: the rest are common words matching most of the glossary
            take(group)
        return chosen

    def _fuzzy(self, tokens: tuple[str, ...]) -> dict[int, tuple[float, str, int]]:
        tokens = tokens[:12]
        # Each query word (and each run of two or three words written together) -> similar glossary words.
        per_token: list[dict[str, float]] = [self._vocab_matches(t, anchored_ok=True) for t in tokens]
        joined: list[tuple[int, int, dict[str, float]]] = []
        for size in (2, 3):
            for start in range(len(tokens) - size + 1):
                glued = "".join(tokens[start : start + size])
                matches = self._vocab_matches(glued, anchored_ok=False, deep=False)
                if matches:
                    joined.append((start, start + size, matches))
        whole_matches = self._whole_matches("".join(tokens)) if len(tokens) <= 3 else {}

        candidate_names = self._candidates(per_token, joined)
        candidate_names.update(self._whole[vocab] for vocab in whole_matches)
        # Glossary word -> the query positions it can stand for, best similarity first (single words before
        # runs written together on ties), so scoring a name costs one lookup per name word.
        options: dict[str, list[tuple[float, int, int, int]]] = defaultdict(list)
        for pos, matches in enumerate(per_token):
            for vocab, sim in matches.items():
                options[vocab].append((sim, 1, pos, pos + 1))
        for start, end, matches in joined:
            for vocab, sim in matches.items():
                options[vocab].append((sim, 0, start, end))
        for choices in options.values():
            choices.sort(key=lambda c: (-c[0], -c[1], c[2]))

        # Coverage first (cheap); penalties (which need the entry's words) only for names that can still reach
        # the top few, visited best-first: penalties only lower a score, so the rest cannot overtake them.
        rough: list[tuple[float, int, set[int]]] = []
        for name_id in candidate_names:
            coverage, used = self._coverage(self._names[name_id], options, len(tokens), whole_matches)
            if coverage >= WEAK:
                rough.append((coverage, name_id, used))
        rough.sort(key=lambda item: -item[0])
        best: dict[int, tuple[float, str, int]] = {}
        finals: list[float] = []
        for coverage, name_id, used in rough:
            if len(finals) >= _KEEP and coverage < finals[_KEEP - 1]:
                break
            name = self._names[name_id]
            score = coverage - self._penalty(name.entry_index, tokens, used)
            if score <= 0:
                continue
            finals.append(score)
            finals.sort(reverse=True)
            current = best.get(name.entry_index)
            if current is None or score > current[0]:
                best[name.entry_index] = (score, name.text, len(used))
        return best

    def _coverage(
        self,
        name: _Name,
        options: dict[str, list[tuple[float, int, int, int]]],
        query_length: int,
        whole_matches: dict[str, float],
    ) -> tuple[float, set[int]]:
        """How much of the name the query covers (0-100, by word length and similarity); query positions used."""
        whole_score = 0.0
        if whole_matches:
            compact = "".join(name.tokens)
            sim = whole_matches.get(compact) or whole_matches.get(_uncached_stem(compact))
            if sim:
                whole_score = 100.0 * sim - 1.0
        used: set[int] = set()
        covered = 0.0
        weights = _weights(name.tokens)
        total = sum(weights)
        single_word_name = len(name.tokens) == 1
        for tok, weight in zip(name.tokens, weights, strict=True):
            for sim, _single, start, end in options.get(tok, ()):
                if single_word_name and len(tok) <= 4 and sim < 0.9:
                    continue  # a short abbreviation on its own must match (almost) exactly
                if start in used or (end - start > 1 and not used.isdisjoint(range(start, end))):
                    continue
                used.update(range(start, end))
                covered += weight * sim
                break
        coverage = 100.0 * covered / total if total else 0.0
        if whole_score > coverage:
            return whole_score, set(range(query_length))
        return coverage, used

    def _penalty(self, entry_index: int, tokens: tuple[str, ...], used: set[int]) -> float:
        """Points lost for query words the name does not explain: little for words from the entry's own text,
        more for other security words, most for unrelated words ("worm gear")."""
        penalty = 0.0
        for pos, tok in enumerate(tokens):
            if pos in used or tok in STOPWORDS:
                continue
            if tok in GENERIC or len(tok) <= 2:  # generic words and stray letters ("pass th hash") cost little
                penalty += 2.0
                continue
            stemmed = stem(tok)
            in_some_text = tok in self._text_words or stemmed in self._text_words
            if in_some_text and self._in_entry_text(entry_index, tok, stemmed):
                penalty += 6.0
            elif tok in self.domain_words or stemmed in self.domain_words:
                penalty += 22.0
            else:
                penalty += 35.0
        return penalty

    def _verdict(self, scores: dict[int, tuple[float, str, int]]) -> Resolution:
        if not scores:
            return Resolution("none")
        ranked = sorted(scores.items(), key=lambda item: (-item[1][0], self.entries[item[0]].entry))
        best_index, (best_score, best_name, used) = ranked[0]
        second = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if len(ranked) > 1 and ranked[1][1][2] < used:
            second -= MARGIN / 2  # the runner-up leaves query words unexplained: a smaller lead is enough
        best_entry = self.entries[best_index]
        suggestions = tuple(self.entries[i] for i, (s, _, _) in ranked[:MAX_SUGGESTIONS] if s >= WEAK)
        margin = MARGIN / 2 if best_score >= 95.0 else MARGIN  # a near-perfect match needs a smaller lead
        if best_score >= CONFIDENT and best_score - second >= margin:
            return Resolution("answer", best_entry, round(best_score, 1), best_name, suggestions[1:], method="fuzzy",
                              used=used)
        if best_score >= WEAK:
            return Resolution("suggest", None, round(best_score, 1), None, suggestions, method="fuzzy")
        return Resolution("none", None, round(best_score, 1), method="fuzzy")

    # -- helpers for other callers ----------------------------------------------------------------------
    def is_security_word(self, word: str) -> bool:
        """True for a word of security jargon: a word of a glossary name or alias, or of the security lexicon."""
        if len(word) < 3:
            return False
        for form in (word, singular(word), stem(word)):
            if form in SECURITY_LEXICON or form in _SECURITY_GENERIC or (form in self._postings and form not in
                                                                            TECH_CONTEXT and form not in GENERIC):
                return True
        return False

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
        start = bisect.bisect_left(self._sorted_keys, wanted)
        for position in range(start, len(self._sorted_keys)):
            if not self._sorted_keys[position].startswith(wanted) or len(out) >= limit:
                break
            index = self._names[self._sorted_ids[position]].entry_index
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


def clear_caches() -> None:
    """Empty the engine's memo caches (word forms, token weights, per-word glossary matches) for every resolver,
    so that the next query costs what a message of never-seen words costs. For latency tests and benchmarks."""
    for cached in (name_tokens, singular, stem, _weights, Resolver._vocab_matches):
        cached.cache_clear()
