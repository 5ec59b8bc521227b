"""CyberGlossary: a cybersecurity glossary engine, offline console and Discord bot."""

from __future__ import annotations

__version__ = "0.1.0"
