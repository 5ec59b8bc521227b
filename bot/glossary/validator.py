"""Check glossary YAML files and report every problem as ``path:line: message``.

The validator never stops at the first problem: it reads every file, checks every field and then the
cross-file rules (unique entry numbers, unique names and aliases, related terms that exist), so a curator
sees the whole list at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.glossary.model import CATEGORIES, Entry, slugify
from bot.text import identity_key

# PyYAML's own libyaml binding when it was built with it, else its pure-Python safe loader: same results.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEFINITION_CHARS = 200
REQUIRED_TEXT = ("term", "category", "definition", "description", "how_it_works")
REQUIRED_LISTS = ("defences", "examples")
OPTIONAL_LISTS = ("aliases", "related", "references")
KNOWN_FIELDS = frozenset({"entry", *REQUIRED_TEXT, *REQUIRED_LISTS, *OPTIONAL_LISTS, "contrasts"})
CONTRAST_CHARS = (40, 400)
"""A contrast note is one or two sentences: long enough to name the difference, short enough for one embed field."""
MIN_ITEMS = {"defences": 1, "examples": 2}

_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=[A-Z0-9\"'(])")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|no|inc|ltd|dr|mr|ms|st|u\.s|cf|al)\.$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One validation problem at a place in a file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def count_sentences(text: str) -> int:
    """Count sentences: a ``.``, ``!`` or ``?`` followed by space and an upper-case letter or digit ends one."""
    count = 1
    for match in _SENTENCE_END.finditer(text):
        before = text[max(0, match.start() - 6) : match.start() + 1]
        if _ABBREVIATIONS.search(before):
            continue
        count += 1
    return count


class _FileChecker:
    """Validates one parsed YAML document, remembering line numbers of keys and values."""

    def __init__(
        self,
        path: str,
        data: dict[str, Any],
        key_lines: dict[str, int],
        value_lines: dict[str, int],
        item_lines: dict[str, list[int]],
    ) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.data = data
        self.key_lines = key_lines
        self.value_lines = value_lines
        self.item_lines = item_lines

    @classmethod
    def from_node(cls, path: str, node: yaml.MappingNode, loader: Any) -> _FileChecker:
        """From a composed document: each field's value (built by PyYAML's safe constructor) and the lines of its
        key, its value and each list item, taken from the nodes' marks."""
        data: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        value_lines: dict[str, int] = {}
        item_lines: dict[str, list[int]] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                name = key_node.value
            else:
                name = str(loader.construct_object(key_node, deep=True))
            key_lines[name] = key_node.start_mark.line + 1
            value_lines[name] = value_node.start_mark.line + 1
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[name] = [item.start_mark.line + 1 for item in value_node.value]
            data[name] = loader.construct_object(value_node, deep=True)
        return cls(path, data, key_lines, value_lines, item_lines)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def line_of(self, field: str) -> int:
        return self.value_lines.get(field, 1)

    def item_line(self, field: str, index: int) -> int:
        lines = self.item_lines.get(field, [])
        return lines[index] if index < len(lines) else self.line_of(field)

    def text(self, field: str) -> str | None:
        if field not in self.data:
            self.problem(1, f"missing field '{field}'")
            return None
        value = self.data[field]
        if not isinstance(value, str):
            self.problem(self.line_of(field), f"field '{field}' must be text, not {_type_name(value)}")
            return None
        if not value.strip():
            self.problem(self.line_of(field), f"field '{field}' is empty")
            return None
        return _squash(value)

    def strings(self, field: str, *, required: bool) -> tuple[str, ...]:
        if field not in self.data or (self.data[field] is None and not required):
            if required:
                self.problem(1, f"missing field '{field}'")
            return ()
        value = self.data[field]
        if not isinstance(value, list):
            self.problem(self.line_of(field), f"field '{field}' must be a list of text items, not {_type_name(value)}")
            return ()
        items: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                line = self.item_line(field, i)
                self.problem(line, f"item {i + 1} of '{field}' must be text, not {_type_name(item)}")
            elif not item.strip():
                self.problem(self.item_line(field, i), f"item {i + 1} of '{field}' is empty")
            else:
                items.append(_squash(item))
        minimum = MIN_ITEMS.get(field, 0)
        if len(value) < minimum:
            self.problem(self.line_of(field), f"field '{field}' needs at least {minimum} items, has {len(value)}")
        return tuple(items)

    def contrasts(self) -> tuple[tuple[str, str], ...]:
        """The optional ``contrasts`` mapping: other term -> one or two sentences on how they differ."""
        value = self.data.get("contrasts")
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.problem(self.line_of("contrasts"), f"field 'contrasts' must be a mapping, not {_type_name(value)}")
            return ()
        notes: list[tuple[str, str]] = []
        line = self.line_of("contrasts")
        low, high = CONTRAST_CHARS
        for other, text in value.items():
            if not isinstance(other, str) or not other.strip():
                self.problem(line, f"contrast key {other!r} must be a term name")
                continue
            if not isinstance(text, str) or not text.strip():
                self.problem(line, f"contrast with '{other}' must be text, not {_type_name(text)}")
                continue
            text = _squash(text)
            if not low <= len(text) <= high:
                self.problem(line, f"contrast with '{other}' is {len(text)} characters, {low}-{high} allowed")
            elif count_sentences(text) > 2:
                self.problem(line, f"contrast with '{other}' must be one or two sentences")
            notes.append((other.strip(), text))
        return tuple(notes)

    def check(self) -> Entry | None:
        for name in self.data:
            if name not in KNOWN_FIELDS:
                self.problem(self.key_lines.get(str(name), 1), f"unknown field '{name}'")
        number = self.data.get("entry")
        if "entry" not in self.data:
            self.problem(1, "missing field 'entry'")
        elif not isinstance(number, int) or isinstance(number, bool) or number < 1:
            self.problem(self.line_of("entry"), f"field 'entry' must be a positive whole number, not {number!r}")
            number = None
        texts = {field: self.text(field) for field in REQUIRED_TEXT}
        lists = {field: self.strings(field, required=True) for field in REQUIRED_LISTS}
        lists |= {field: self.strings(field, required=False) for field in OPTIONAL_LISTS}
        contrasts = self.contrasts()

        definition = texts["definition"]
        if definition is not None:
            if len(definition) > MAX_DEFINITION_CHARS:
                self.problem(
                    self.line_of("definition"),
                    f"definition is {len(definition)} characters, at most {MAX_DEFINITION_CHARS} allowed",
                )
            if count_sentences(definition) != 1:
                self.problem(self.line_of("definition"), "definition must be exactly one sentence")
        description = texts["description"]
        if description is not None and not 2 <= count_sentences(description) <= 5:
            self.problem(
                self.line_of("description"),
                f"description must be 2-5 sentences, has {count_sentences(description)}",
            )
        category = texts["category"]
        if category is not None and category not in CATEGORIES:
            self.problem(self.line_of("category"), f"unknown category '{category}'")
        term = texts["term"]
        if term is not None and any(identity_key(a) == identity_key(term) for a in lists["aliases"]):
            self.problem(self.line_of("aliases"), f"an alias repeats the term '{term}'")
        if term is not None and category in CATEGORIES:
            expected = f"{slugify(category)}/{slugify(term)}.yaml"
            parts = self.path.replace(os.sep, "/").rsplit("/", 2)
            if "/".join(parts[-2:]) != expected:
                self.problem(1, f"file should be {expected} for term '{term}' in '{category}'")
        if self.problems or number is None or None in texts.values():
            return None
        assert term is not None and category is not None and definition is not None and description is not None
        return Entry(
            entry=number,
            term=term,
            category=category,
            definition=definition,
            description=description,
            how_it_works=texts["how_it_works"] or "",
            defences=lists["defences"],
            examples=lists["examples"],
            aliases=lists["aliases"],
            related=lists["related"],
            references=lists["references"],
            contrasts=contrasts,
            path=self.path,
        )


def _squash(text: str) -> str:
    if "\n" in text or "  " in text or "\t" in text or text != text.strip():
        return " ".join(text.split())
    return text


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dt.date):  # datetime is a date too
        return "a date"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


_FileResult = tuple[Entry | None, list[Problem], dict[str, int]]


def _parse(path: str, text: str) -> _FileChecker | Problem:
    """Compose the document and build its field values; a document that is not a mapping is a Problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            data = loader.construct_document(node) if node is not None else None
            return Problem(path, 1, f"the file must hold one mapping of fields, not {_type_name(data)}")
        return _FileChecker.from_node(path, node, loader)
    finally:
        loader.dispose()


def check_file(path: str, text: str) -> _FileResult:
    """Parse and check one file. Returns the entry (or None), its problems, and the lines of its fields."""
    try:
        checker = _parse(path, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = exc.problem or exc.context or "cannot be parsed"
        return None, [Problem(path, line, f"malformed YAML: {reason}")], {}
    except (yaml.YAMLError, ValueError, TypeError) as exc:  # e.g. a date that does not exist: 2026-02-30
        return None, [Problem(path, 1, f"malformed YAML: {exc}")], {}
    if isinstance(checker, Problem):
        return None, [checker], {}
    entry = checker.check()
    # The lines that cross-file checks point at: duplicate numbers and names, related terms that do not exist.
    value_lines = checker.value_lines
    fields = ("entry", "term", "aliases", "related", "contrasts")
    lines = {field: value_lines[field] for field in fields if field in value_lines}
    for field in ("aliases", "related"):
        for i, line in enumerate(checker.item_lines.get(field, ())):
            lines[f"{field}[{i}]"] = line
    return entry, checker.problems, lines


def entry_files(directory: str | os.PathLike[str]) -> list[Path]:
    """All ``*.yaml``/``*.yml`` files under ``directory``, sorted for stable reports."""
    found: list[str] = []
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        found.extend(os.path.join(folder, n) for n in names if n.endswith((".yaml", ".yml")))
    return [Path(p) for p in sorted(found)]


def cross_check(entries: Iterable[Entry], lines: dict[str, dict[str, int]]) -> list[Problem]:
    """Rules that span files: unique numbers, unique names/aliases, related terms that exist."""
    problems: list[Problem] = []
    by_number: dict[int, Entry] = {}
    by_name: dict[str, tuple[Entry, str]] = {}
    entries = list(entries)
    for e in entries:
        where = lines.get(e.path, {})
        first = by_number.setdefault(e.entry, e)
        if first is not e:
            message = f"entry number {e.entry} is also used by {first.path}"
            problems.append(Problem(e.path, where.get("entry", 1), message))
        for i, name in enumerate(e.names):
            line = where.get("term", 1) if i == 0 else where.get(f"aliases[{i - 1}]", where.get("aliases", 1))
            ident = identity_key(name)
            if not ident:
                problems.append(Problem(e.path, line, f"name '{name}' has no letters or digits"))
                continue
            seen = by_name.get(ident)
            if seen is None:
                by_name[ident] = (e, name)
            elif seen[0] is e:
                problems.append(Problem(e.path, line, f"'{name}' is listed twice in this entry"))
            else:
                message = f"name '{name}' is already used by '{seen[1]}' in {seen[0].path}"
                problems.append(Problem(e.path, line, message))
    for e in entries:
        where = lines.get(e.path, {})
        for i, name in enumerate(e.related):
            line = where.get(f"related[{i}]", where.get("related", 1))
            target = by_name.get(identity_key(name))
            if target is None:
                problems.append(Problem(e.path, line, f"related term '{name}' does not exist"))
            elif target[0] is e:
                problems.append(Problem(e.path, line, f"related term '{name}' is this entry itself"))
    problems.extend(_check_contrasts(entries, by_name, lines))
    return problems


def _check_contrasts(
    entries: list[Entry], by_name: dict[str, tuple[Entry, str]], lines: dict[str, dict[str, int]]
) -> list[Problem]:
    """Contrasts name another entry by its canonical term, and each pair is written on one side only."""
    problems: list[Problem] = []
    written: dict[frozenset[int], Entry] = {}
    for e in entries:
        line = lines.get(e.path, {}).get("contrasts", 1)
        for other, _text in e.contrasts:
            target = by_name.get(identity_key(other))
            if target is None:
                problems.append(Problem(e.path, line, f"contrast term '{other}' does not exist"))
                continue
            if target[0] is e:
                problems.append(Problem(e.path, line, f"contrast term '{other}' is this entry itself"))
                continue
            if identity_key(other) != identity_key(target[0].term):
                problems.append(Problem(e.path, line, f"contrast term '{other}' should be the canonical name "
                                        f"'{target[0].term}'"))
            pair = frozenset((e.entry, target[0].entry))
            first = written.setdefault(pair, e)
            if first is not e:
                problems.append(Problem(e.path, line, f"the contrast with '{other}' is already written in "
                                        f"{first.path}; keep it on one side"))
    return problems


def check_path(path: str) -> _FileResult:
    """Read one file and check it; an unreadable file is one problem at line 1."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, 1, f"cannot read file: {exc}")], {}
    return check_file(path, text)


def validate_directory(directory: str | os.PathLike[str]) -> tuple[list[Entry], list[Problem]]:
    """Read and check every entry file under ``directory``; return the good entries and all problems."""
    root = Path(directory)
    if not root.is_dir():
        return [], [Problem(str(root), 0, "glossary directory not found")]
    entries: list[Entry] = []
    problems: list[Problem] = []
    lines: dict[str, dict[str, int]] = {}
    files = [str(f) for f in entry_files(root)]
    if not files:
        problems.append(Problem(str(root), 0, "no entry files (*.yaml) found"))
    for entry, file_problems, file_lines in map(check_path, files):
        problems.extend(file_problems)
        if entry is not None:
            entries.append(entry)
            lines[entry.path] = file_lines
    problems.extend(cross_check(entries, lines))
    return entries, sorted(problems)
