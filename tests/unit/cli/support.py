"""Helpers for the command-line tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GLOSSARY = ROOT / "glossary_data"


def logged_lookups(path: Path) -> list[tuple[str, str, str, int | None]]:
    """(source, query, intent, entry) of every lookup in a database, in order."""
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT source, query, intent, entry FROM lookups ORDER BY id").fetchall()
