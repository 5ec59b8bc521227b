"""The glossary engine: resolving terms, parsing questions, conversation context and answers.

``GlossaryEngine`` is the one entry point: ``engine.ask(text)`` turns a message into an ``Answer``.
"""

from __future__ import annotations

from bot.engine.answer import Answer
from bot.engine.ask import GlossaryEngine

__all__ = ["Answer", "GlossaryEngine"]
