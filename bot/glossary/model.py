"""The glossary's data model: one immutable ``Entry`` per term and the ``Glossary`` that holds them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.text import identity_key

CATEGORIES: tuple[str, ...] = (
    "AI & ML Security",
    "Application Security",
    "Network Security",
    "Cryptography",
    "Identity & Access Management",
    "Malware",
    "Social Engineering",
    "Security Operations & Incident Response",
    "Cloud & Infrastructure Security",
    "Governance, Risk & Compliance",
    "Data Security & Privacy",
    "Hardware, IoT & OT Security",
)


def slugify(text: str) -> str:
    """Return the file/folder slug of a term or category ("AI & ML Security" -> "ai-and-ml-security")."""
    text = text.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True, slots=True)
class Entry:
    """One glossary entry, as a glossary site's page shows it."""

    entry: int
    term: str
    category: str
    definition: str
    description: str
    how_it_works: str
    defences: tuple[str, ...]
    examples: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    contrasts: tuple[tuple[str, str], ...] = ()
    """Curated "how this differs from …" notes: (other canonical term, one or two sentences)."""
    path: str = ""

    @property
    def label(self) -> str:
        """The entry number as shown to users: "Entry № 024"."""
        return f"Entry № {self.entry:03d}"

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical term followed by its aliases."""
        return (self.term, *self.aliases)

    def contrast_with(self, term: str) -> str | None:
        """This entry's curated note on how it differs from ``term`` (a canonical name), if it has one."""
        key = identity_key(term)
        return next((text for other, text in self.contrasts if identity_key(other) == key), None)


@dataclass(slots=True)
class Glossary:
    """All entries, indexed by number and by name; iteration is in entry-number order."""

    entries: tuple[Entry, ...]
    _by_number: dict[int, Entry] = field(init=False, repr=False)
    _by_name: dict[str, Entry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.entries = tuple(sorted(self.entries, key=lambda e: e.entry))
        self._by_number = {e.entry: e for e in self.entries}
        self._by_name = {}
        for e in self.entries:
            for name in e.names:
                self._by_name.setdefault(identity_key(name), e)

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Glossary:
        """Build a glossary from any iterable of entries."""
        return cls(tuple(entries))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def by_number(self, number: int) -> Entry | None:
        """The entry with this number, if any."""
        return self._by_number.get(number)

    def by_name(self, name: str) -> Entry | None:
        """The entry whose canonical name or alias equals ``name`` (case, punctuation and spacing ignored)."""
        return self._by_name.get(identity_key(name))

    def categories(self) -> list[str]:
        """Categories that have at least one entry, in the canonical order."""
        present = {e.category for e in self.entries}
        known = [c for c in CATEGORIES if c in present]
        return known + sorted(present - set(known))

    def contrast(self, first: Entry, second: Entry) -> str | None:
        """The curated note on how two entries differ, written on either of them, if any."""
        return first.contrast_with(second.term) or second.contrast_with(first.term)

    def in_category(self, category: str) -> list[Entry]:
        """Entries of one category in entry-number order."""
        return [e for e in self.entries if e.category == category]
