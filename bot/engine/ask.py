"""The engine's single entry point: text in, a neutral ``Answer`` out.

``GlossaryEngine.ask`` runs the one-way flow: parse the message into readings, resolve each reading's term,
pick the best, apply the conversation context, and build an ``Answer`` that renderers (console text,
Discord embeds) turn into output. Nothing here knows about Discord.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.clock import Clock, utc_now
from bot.engine.answer import NOTE_SUGGEST, NOTE_UNKNOWN, NOTE_WHICH, Answer, build_sections
from bot.engine.context import DEFAULT_IDLE, ConversationStore
from bot.engine.questions import (
    INTENTS,
    Intent,
    ParsedQuestion,
    classify_cues,
    is_chatter,
    is_filler,
    mentions_pronoun,
    message_clauses,
    parse_all,
    strip_cues,
)
from bot.engine.resolver import Resolution, Resolver
from bot.engine.vocabulary import STOPWORDS
from bot.glossary.model import Entry, Glossary
from bot.text import words

__all__ = ["Answer", "GlossaryEngine"]



@dataclass(slots=True)
class _Candidate:
    reading: ParsedQuestion
    resolution: Resolution
    order: int
    context_ok: bool = True


class GlossaryEngine:
    """Answers questions about one glossary. Cheap to call; build once per loaded glossary."""

    def __init__(
        self,
        glossary: Glossary,
        *,
        idle: timedelta = DEFAULT_IDLE,
        clock: Clock = utc_now,
        resolver: Resolver | None = None,
    ) -> None:
        self.glossary = glossary
        self.resolver = resolver or Resolver(glossary.entries)
        self.conversations = ConversationStore(idle=idle, clock=clock)
        self.clock = clock

    # -- public API ------------------------------------------------------------------------------------------
    def ask(self, text: str, conversation: Hashable | None = None) -> Answer:
        """Answer a chat message. ``conversation`` keys the follow-up context (None: no context)."""
        started = time.perf_counter()
        context_entry = self.conversations.current(conversation) if conversation is not None else None
        answer = self._answer(text, context_entry)
        if conversation is not None and answer.status == "answer" and answer.entry is not None:
            self.conversations.remember(conversation, answer.entry)
        return replace(answer, latency_ms=(time.perf_counter() - started) * 1000)

    def define(self, term: str, intent: Intent = "define", conversation: Hashable | None = None) -> Answer:
        """Answer an explicit lookup (``/define``, ``cyberglossary define``): the text is the term itself."""
        started = time.perf_counter()
        resolution = self.resolver.resolve(term)
        if resolution.answered and resolution.entry is not None:
            answer = self.answer_for(resolution.entry, intent, query=term, score=resolution.score)
            if conversation is not None:
                self.conversations.remember(conversation, resolution.entry)
        else:
            answer = _not_found(term, intent, term, resolution)
        return replace(answer, latency_ms=(time.perf_counter() - started) * 1000)

    def answer_for(
        self, entry: Entry, intent: Intent, *, query: str = "", score: float = 100.0, from_context: bool = False
    ) -> Answer:
        """The answer about a known entry (used by buttons and selects too)."""
        if intent == "none" or intent not in INTENTS:
            intent = "define"
        return Answer(
            query=query or entry.term,
            intent=intent,
            status="answer",
            entry=entry,
            score=score,
            term_text=entry.term,
            from_context=from_context,
            sections=build_sections(entry, intent),
            next_intents=tuple(i for i in ("how", "defend", "aliases", "examples", "related") if i != intent),
        )

    # -- the decision ----------------------------------------------------------------------------------------
    def _unknown_term_question(self, text_words: list[str], cue_intent: Intent | None, *, lookalike: bool) -> bool:
        """A short security noun phrase ("padding oracle attack") or a cue-led question about one: a glossary
        question the glossary cannot answer yet. Anything else ("how does a rainbow form") is chatter."""
        content = [w for w in strip_cues(text_words) if not is_filler(w) and w not in STOPWORDS]
        if not content or len(content) > 3:
            return False
        has_question_word = any(w in ("how", "what", "whats", "why", "who", "where", "when") for w in text_words)
        if has_question_word and cue_intent is None:
            return False
        known = [w for w in content if self.resolver.is_domain_word(w)]
        if not any(self.resolver.is_security_word(w) for w in content):
            return False  # computing words alone ("cookie recipe") do not make a security question
        if lookalike:  # "pass the hash browns", "my cat has worms": near a term, but not about it
            return len(known) == len(content)
        return bool(known) and len(content) - len(known) <= (1 if len(content) >= 2 else 0)

    def _unknown_term_fits(self, term_words: list[str], *, lookalike: bool) -> bool:
        """Whether a question's unresolved term looks like a security term (then: "no entry yet").

        All words must be security or computing words when the term merely resembles an entry ("worm gears"
        is not a kind of worm); otherwise one unfamiliar word is allowed ("same origin policy")."""
        content = [w for w in strip_cues(term_words) if not is_filler(w) and w not in STOPWORDS]
        if not content or len(content) > 4:
            return False
        unknown = [w for w in content if not self.resolver.is_domain_word(w)]
        if lookalike:
            return not unknown
        return len(unknown) < len(content) and len(unknown) <= (1 if len(content) >= 2 else 0)

    def _context_fits(self, text_words: Sequence[str]) -> bool:
        """True when most words around a term ("in my app", "on aws") are computing words, unlike "in my garage"."""
        content = [w for w in text_words if w not in STOPWORDS]
        good = sum(1 for w in content if self.resolver.is_domain_word(w))
        return good * 2 > len(content) or not content

    def _resolve_reading(self, reading: ParsedQuestion) -> tuple[Resolution, bool]:
        """Resolve a reading's term; returns the resolution and whether the words around the term are fine."""
        if not reading.term_text:
            return Resolution("none"), True
        full = self.resolver.resolve(reading.term_text)
        if full.method == "number" and reading.templated and not _ENTRY_MARK_RE.search(reading.text):
            return Resolution("none"), True  # "explain like im 5" is not entry 5; "what is entry 5" is
        if not reading.templated:
            return full, True
        best, context_ok = full, True
        if reading.head_text and reading.head_text != reading.term_text:
            head = self.resolver.resolve(reading.head_text)
            if head.answered and (not best.answered or head.score > best.score):
                best, context_ok = head, self._context_fits(reading.context_words)
        return best, context_ok

    def _span_search(self, text_words: list[str]) -> tuple[Resolution, int, int] | None:
        """The best run of up to six words that resolves confidently, wherever it stands in the message.
        At most ``_MAX_SPAN_LOOKUPS`` runs are looked up, earliest first, whatever the message holds."""
        best: tuple[tuple[int, int, int, float], Resolution, int, int] | None = None
        lookups = 0
        securing = any(w.startswith("secur") for w in text_words)
        # Spans the name explains entirely first ("worms" over "worms spread", "poison training data" over
        # "attackers poison training data"), then the earliest ("rto in disaster recovery"), then the span that
        # explains the most words ("ssl cert" over "ssl"), then the score.
        count = len(text_words)
        for i in range(count):
            if best is not None and best[0][0] == 0:
                break  # a span the name explains entirely starts earlier than any span still to come
            if is_filler(text_words[i]):
                continue
            for j in range(i + 1, min(count, i + _MAX_SPAN) + 1):
                if is_filler(text_words[j - 1]):
                    continue
                piece = text_words[i:j]
                if all(w.isdigit() for w in piece):
                    continue  # a bare number inside a sentence ("10 hours") is not an entry number
                if lookups >= _MAX_SPAN_LOOKUPS:
                    return None if best is None else (best[1], best[2], best[3])
                lookups += 1
                resolution = self.resolver.resolve(" ".join(piece))
                if not resolution.answered and securing and not any(w.startswith("secur") for w in piece):
                    # "securing my docker containers" asks about "container security"
                    lookups += 1
                    secured = self.resolver.resolve(" ".join(piece) + " security")
                    if secured.answered and secured.matched_name and "secur" in secured.matched_name.lower():
                        resolution = replace(secured, used=len(piece))
                if resolution.answered:
                    rank = (min(0, resolution.used - (j - i)), -i, resolution.used, resolution.score)
                    if best is None or rank > best[0]:
                        best = (rank, resolution, i, j)
        return None if best is None else (best[1], best[2], best[3])

    def _leftover_fits(self, leftover: list[str], *, specific: bool) -> bool:
        """True when the words around a found term are question words, cue words or computing words.

        One unrelated word is tolerated only in a clear question about a specific term ("how do i stop prompt
        injection in my langchain app"); "how do worm gears work", "pass the hash browns" or "my cat has worms
        what do i do" are not glossary questions. ``specific`` is false for a short single word ("worm", "rats"),
        which is too often an everyday word.
        """
        content = [w for w in strip_cues(leftover) if not is_chatter(w) and w not in STOPWORDS]
        unexplained = [w for w in content if not self.resolver.is_domain_word(w) and not w.isdigit()]
        if not unexplained:
            return True
        return specific and len(unexplained) == 1 and classify_cues(leftover) not in (None, "define")

    def _answer(self, text: str, context_entry: Entry | None) -> Answer:
        readings = parse_all(text)
        candidates: list[_Candidate] = []
        for order, reading in enumerate(readings):
            resolution, context_ok = self._resolve_reading(reading)
            candidates.append(_Candidate(reading, resolution, order, context_ok))
        bare = candidates[-1]
        templated = [c for c in candidates if c.reading.templated]
        referring = next((c for c in templated if c.reading.refers_back), None)

        clauses = message_clauses(text)
        text_words = [w for clause in clauses for w in clause]

        # 1. A question shape whose term resolves ("how does X work"), or a message that is exactly a term.
        answered = [
            c for c in templated if c.resolution.answered and c.context_ok and c.resolution.entry is not None
        ]
        if bare.resolution.answered and bare.resolution.method in ("exact", "number"):
            answered.append(bare)
        if answered:
            top = max(c.resolution.score for c in answered)
            chosen = min((c for c in answered if c.resolution.score >= top - 3), key=lambda c: c.order)
            entry = chosen.resolution.entry
            assert entry is not None
            intent = chosen.reading.intent
            if intent == "define":  # "stuff like X?" or "X, same thing as Y?": cues outside the term decide
                term_words = set(chosen.reading.term_text.split())
                intent = classify_cues([w for w in text_words if w not in term_words]) or "define"
            return self.answer_for(entry, intent, query=text, score=chosen.resolution.score)
        # 2. A question that points back ("how do you stop it?") while a conversation is going on.
        if referring is not None and context_entry is not None:
            return self.answer_for(context_entry, referring.reading.intent, query=text, from_context=True)
        # 3. The term anywhere in the message, the intent from the cue words around it.
        span = self._span_search(text_words)
        lookalike = span is not None
        if span is not None and span[0].entry is not None:
            resolution, i, j = span
            leftover = text_words[:i] + text_words[j:]
            same_clause, other_clauses = _split_by_clause(clauses, i, j)
            specific = (
                j - i > 1
                or len(text_words[i]) >= 6
                or not set(text_words[i]) & set("aeiou")
                or _is_acronym(resolution.matched_name or "")
            )
            # The words around the term in its own clause must fit; a specific term ("cmmc? my company needs
            # it") may be followed by chatter in another clause, a common word ("worms") may not.
            fits = self._leftover_fits(same_clause, specific=specific) and (
                specific or self._leftover_fits(other_clauses, specific=False)
            )
            if fits:
                intent = classify_cues(leftover) or "define"
                return self.answer_for(resolution.entry, intent, query=text, score=resolution.score)
        cue_intent = classify_cues(text_words)
        lookalike = lookalike or bare.resolution.status == "suggest"
        # A follow-up without the term: "how did it spread", "any real world cases".
        if context_entry is not None and cue_intent is not None and (
            mentions_pronoun(text_words) or (cue_intent != "define" and not _has_content(text_words))
        ):
            return self.answer_for(context_entry, cue_intent, query=text, from_context=True)
        # 4. No answer: a did-you-mean, a glossary question the glossary cannot answer yet, or chatter.
        if templated:
            first = templated[0]
            reading = first.reading
            term_words = words(reading.term_text)
            if reading.refers_back or not term_words:
                which = Answer(text, reading.intent, "unknown", term_text=reading.term_text, note=NOTE_WHICH)
                if _has_content(text_words):  # "my dog got worms, what do i do": about something else?
                    if self._unknown_term_question(text_words, cue_intent, lookalike=lookalike):
                        return which
                    return _chatter(text, reading.term_text)
                # "what does lol stand for": nothing left to ask about; "how do i stop it?": which term?
                return which if reading.term_text else _chatter(text, "")
            with_suggestions = next((c for c in templated if c.resolution.suggestions), first)
            if self._unknown_term_fits(term_words, lookalike=bool(with_suggestions.resolution.suggestions)) and (
                first.context_ok
            ):
                return _not_found(text, reading.intent, reading.term_text, with_suggestions.resolution)
            return _chatter(text, reading.term_text)
        if self._unknown_term_question(text_words, cue_intent, lookalike=lookalike):
            return _not_found(text, cue_intent or "define", bare.reading.term_text, bare.resolution)
        return _chatter(text, bare.reading.term_text)

    def complete(self, prefix: str, limit: int = 25) -> list[Entry]:
        """Autocomplete: entries whose names fit what has been typed so far, best first."""
        return self.resolver.complete(prefix, limit)


_MAX_SPAN = 6
_MAX_SPAN_LOOKUPS = 100
"""Resolver lookups the span search may make per message. Ordinary questions need at most 21, long chatty
messages of several questions about 60; a lookup costs up to ~0.1 ms at 10,000 entries, so the search stays
near 10 ms even for a message of sixty glossary words that form no name (there would be 345 spans)."""


def _not_found(query: str, intent: Intent, term_text: str, resolution: Resolution) -> Answer:
    """A glossary question without an answer: "did you mean" when the resolver has suggestions, else
    "no entry yet"."""
    if resolution.suggestions and resolution.status != "answer":
        return Answer(query, intent, "suggest", None, resolution.score, resolution.suggestions, term_text,
                      note=NOTE_SUGGEST)
    return Answer(query, intent, "unknown", None, resolution.score, (), term_text, note=NOTE_UNKNOWN)


def _chatter(query: str, term_text: str) -> Answer:
    """Not a glossary question."""
    return Answer(query, "none", "none", term_text=term_text)
_ENTRY_MARK_RE = re.compile(r"(?:\bentry\b|#|№|\bno\.?\s*\d|\bnumber\b)", re.IGNORECASE)


def _is_acronym(name: str) -> bool:
    """"DDoS", "SIEM", "GDPR": an abbreviation of four or more letters, not an everyday word like "RAT"."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 4 and " " not in name and sum(c.isupper() for c in letters) >= 3


def _split_by_clause(clauses: list[list[str]], i: int, j: int) -> tuple[list[str], list[str]]:
    """Words of the clause holding positions ``i:j`` (without them), and the words of every other clause."""
    same: list[str] = []
    other: list[str] = []
    position = 0
    for clause in clauses:
        end = position + len(clause)
        if position <= i < end:
            same = [w for k, w in enumerate(clause, start=position) if not i <= k < j]
        else:
            other.extend(clause)
        position = end
    return same, other


def _has_content(text_words: list[str]) -> bool:
    return any(not is_chatter(w) and w not in STOPWORDS for w in strip_cues(text_words))
