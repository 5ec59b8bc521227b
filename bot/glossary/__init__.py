"""The glossary: entry model, YAML loader and validator."""

from __future__ import annotations

from bot.glossary.loader import GlossaryError, load_glossary
from bot.glossary.model import CATEGORIES, Entry, Glossary

__all__ = ["CATEGORIES", "Entry", "Glossary", "GlossaryError", "load_glossary"]
