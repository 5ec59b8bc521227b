"""The neutral answer: what the bot says about a question, before any renderer decides how to show it.

``Answer`` carries the entry (or, for a comparison, both entries), the intent, the status (answer, did you mean,
not in the glossary yet, not a glossary question) and the titled sections of text built from the entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.engine.questions import Intent
from bot.glossary.model import Entry

Status = Literal["answer", "suggest", "unknown", "none"]

NOTE_SUGGEST = "I'm not sure which term you mean by “{term}”. Did you mean one of these?"
NOTE_UNKNOWN = "The glossary has no entry for “{term}” yet."
NOTE_WHICH = "Which term do you mean? Ask again with its name, e.g. “what is phishing?”."
"""``answer``: an entry answers the question; ``suggest``: did-you-mean; ``unknown``: a glossary question
whose term the glossary lacks; ``none``: not a glossary question."""

FAQ_LABELS: dict[Intent, str] = {
    "define": "What is {term}?",
    "how": "How does {term} work?",
    "defend": "How do you defend against {term}?",
    "aliases": "What are other names for {term}?",
    "examples": "What are examples of {term}?",
    "related": "What terms are related to {term}?",
}
SHORT_LABELS: dict[Intent, str] = {
    "define": "What is it?",
    "how": "How does it work?",
    "defend": "How to defend?",
    "aliases": "Other names?",
    "examples": "Examples",
    "related": "Related terms",
}


def faq_questions(entry: Entry) -> list[tuple[Intent, str]]:
    """The generated FAQ every entry answers: (intent, question) pairs."""
    questions: list[tuple[Intent, str]] = [
        ("define", f"What is {entry.term}?"),
        ("define", f"What does {entry.term} mean?"),
        ("how", FAQ_LABELS["how"].format(term=entry.term)),
        ("defend", FAQ_LABELS["defend"].format(term=entry.term)),
        ("aliases", FAQ_LABELS["aliases"].format(term=entry.term)),
        ("examples", FAQ_LABELS["examples"].format(term=entry.term)),
        ("related", FAQ_LABELS["related"].format(term=entry.term)),
    ]
    return questions


@dataclass(frozen=True, slots=True)
class Section:
    """One titled part of an answer: a paragraph, a list, or both."""

    heading: str
    body: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """A neutral answer: what to say, not how to show it."""

    query: str
    intent: Intent
    status: Status
    entry: Entry | None = None
    score: float = 0.0
    suggestions: tuple[Entry, ...] = ()
    term_text: str = ""
    from_context: bool = False
    sections: tuple[Section, ...] = ()
    next_intents: tuple[Intent, ...] = ()
    latency_ms: float = 0.0
    note: str = ""
    """For non-answers, a sentence template (``NOTE_*``): ``{term}`` stands for the user's term text, which each
    renderer inserts in its own way (escaped for Discord). Use ``note_text``."""

    @property
    def term(self) -> str | None:
        """The canonical term answered, or None."""
        return self.entry.term if self.entry is not None and self.status == "answer" else None

    def note_text(self, term: str) -> str:
        """The note with the (already escaped or shortened) term text filled in."""
        return self.note.format(term=term) if self.note else ""

    @property
    def entry_number(self) -> int | None:
        """The entry number answered, or None."""
        return self.entry.entry if self.entry is not None and self.status == "answer" else None


def build_sections(entry: Entry, intent: Intent) -> tuple[Section, ...]:
    """The parts of an answer about ``entry`` for ``intent``."""
    if intent == "define":
        sections = [Section("Definition", entry.definition), Section("Description", entry.description)]
        sections.append(Section("Examples", items=entry.examples))
        if entry.aliases:
            sections.append(Section("Other names", items=entry.aliases))
        if entry.related:
            sections.append(Section("Related terms", items=entry.related))
        return tuple(sections)
    if intent == "how":
        return (Section("How it works", entry.how_it_works),)
    if intent == "defend":
        return (Section("How to defend", items=entry.defences),)
    if intent == "aliases":
        if entry.aliases:
            return (Section("Other names", items=entry.aliases),)
        return (Section("Other names", f"{entry.term} has no other common names in this glossary."),)
    if intent == "examples":
        return (Section("Examples", items=entry.examples),)
    if intent == "related":
        if entry.related:
            return (Section("Related terms", items=entry.related),)
        return (Section("Related terms", "No related terms are listed for this entry yet."),)
    return ()
