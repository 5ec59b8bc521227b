"""A fast reader for the plain YAML subset that entry files use; anything else goes to libyaml.

Entry files are a flat mapping of ``key: value``, ``key: >-`` folded blocks and ``key:`` lists of one-line
items. Reading that subset with string operations is several times faster than libyaml's full parser (which
builds event and mark objects for every node), and loading 10 000 entries is dominated by parsing. Whenever a
file holds anything outside the subset (flow collections, anchors, multi-line plain scalars, escapes, tabs,
values YAML would type as booleans, floats or dates...) ``read`` returns None and the caller uses libyaml, so
results never differ; a test checks both readers agree on every file of the glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_KEY_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$")
_ITEM_RE = re.compile(r"^( *)- (.*)$")
_PLAIN_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_YAML11_SPECIAL = frozenset(
    "y yes n no true false on off null ~ Y Yes YES N No NO True TRUE False FALSE On ON Off OFF Null NULL".split()
)


class _Unsupported(Exception):
    """The text is outside the subset: use the full parser."""


@dataclass(slots=True)
class FastDocument:
    """A parsed entry file: values, and the 1-based line of each key, value and list item."""

    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    value_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)


def _scalar(raw: str) -> Any:
    """A one-line scalar: plain text, a whole number, or a simple quoted string."""
    value = raw.strip()
    if not value:
        raise _Unsupported("empty scalar")
    first = value[0]
    if first == "'":
        if len(value) < 2 or not value.endswith("'") or "'" in value[1:-1].replace("''", ""):
            raise _Unsupported("single-quoted")
        return value[1:-1].replace("''", "'")
    if first == '"':
        inner = value[1:-1]
        if len(value) < 2 or not value.endswith('"') or '"' in inner or "\\" in inner:
            raise _Unsupported("double-quoted")
        return inner
    if value.isdigit():
        return int(value)
    if (
        first in _PLAIN_UNSAFE_START
        or first.isdigit()
        or first in "+.~"
        or ": " in value
        or " #" in value
        or value.endswith(":")
        or value in _YAML11_SPECIAL
        or "\t" in value
    ):
        raise _Unsupported("plain scalar needs the full parser")
    return value


def _folded(lines: list[str], keep_final_newline: bool) -> str:
    """Fold a ``>`` block: lines joined by spaces, a blank line is a line break."""
    parts: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        else:
            parts.append(" ".join(current))
            current = []
    parts.append(" ".join(current))
    text = "\n".join(parts).rstrip("\n")
    return text + "\n" if keep_final_newline and text else text


def read(text: str) -> FastDocument | None:
    """Parse ``text`` if it is in the subset; None when the full YAML parser must be used."""
    try:
        return _read(text)
    except _Unsupported:
        return None


def _read(text: str) -> FastDocument:
    if "\t" in text or "\r" in text or text.startswith("\ufeff"):
        raise _Unsupported("tabs, carriage returns or a byte-order mark")
    doc = FastDocument()
    lines = text.split("\n")
    count = len(lines)
    i = 0
    while i < count:
        line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        if line[0] == " " or stripped in ("---", "..."):
            raise _Unsupported("indentation or document markers at the top level")
        match = _KEY_RE.match(line)
        if match is None:
            raise _Unsupported("not a key line")
        key, rest = match.group(1), (match.group(2) or "").strip()
        doc.key_lines[key] = i + 1
        if rest in (">-", ">"):
            block: list[str] = []
            indent: int | None = None
            j = i + 1
            while j < count and (not lines[j].strip() or lines[j][0] == " "):
                content = lines[j]
                if content.strip():
                    this_indent = len(content) - len(content.lstrip(" "))
                    if indent is None:
                        indent = this_indent
                    elif this_indent != indent:
                        raise _Unsupported("more-indented lines in a folded block")
                    block.append(content[indent:].rstrip(" "))
                else:
                    block.append("")
                j += 1
            while block and not block[-1]:
                block.pop()
            if not block:
                raise _Unsupported("empty block scalar")
            doc.data[key] = _folded(block, keep_final_newline=rest == ">")
            doc.value_lines[key] = i + 1
            i = j
            continue
        if rest == "[]":
            doc.data[key] = []
            doc.value_lines[key] = i + 1
            doc.item_lines[key] = []
            i += 1
            continue
        if rest:
            if rest.startswith("#"):
                raise _Unsupported("comment after a key")
            doc.data[key] = _scalar(rest)
            doc.value_lines[key] = i + 1
            if i + 1 < count and lines[i + 1][:1] == " " and lines[i + 1].strip() and not lines[i + 1].lstrip(
                " "
            ).startswith("#"):
                raise _Unsupported("multi-line plain scalar")
            i += 1
            continue
        # "key:" followed by list items (or nothing: null)
        items: list[Any] = []
        item_lines: list[int] = []
        dash_indent: int | None = None
        j = i + 1
        while j < count:
            content = lines[j]
            if not content.strip() or content.lstrip(" ").startswith("#"):
                j += 1
                continue
            item = _ITEM_RE.match(content)
            if item is None:
                if content[0] == " ":
                    raise _Unsupported("continuation line or nested mapping")
                break
            this_indent = len(item.group(1))
            if dash_indent is None:
                dash_indent = this_indent
            elif this_indent != dash_indent:
                raise _Unsupported("uneven list indentation")
            if j + 1 < count and lines[j + 1].strip() and not _ITEM_RE.match(lines[j + 1]) and (
                len(lines[j + 1]) - len(lines[j + 1].lstrip(" ")) > dash_indent
            ):
                raise _Unsupported("multi-line list item")
            items.append(_scalar(item.group(2)))
            item_lines.append(j + 1)
            j += 1
        if dash_indent is None:
            raise _Unsupported("key without a value")
        doc.data[key] = items
        doc.value_lines[key] = item_lines[0]
        doc.item_lines[key] = item_lines
        i = j
    if not doc.data:
        raise _Unsupported("no keys")
    return doc
