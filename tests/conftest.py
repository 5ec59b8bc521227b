"""Shared fixtures: the real glossary (loaded once) and paths to test data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answers import GlossaryEngine
from bot.glossary import Glossary, load_glossary

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def glossary() -> Glossary:
    """The project's glossary_data, validated."""
    return load_glossary(ROOT / "glossary_data")


@pytest.fixture
def engine(glossary: Glossary) -> GlossaryEngine:
    """A fresh engine (fresh conversation context) over the real glossary."""
    return GlossaryEngine(glossary)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """tests/data."""
    return DATA
