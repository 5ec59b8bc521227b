"""Self-validating parameters: a bad time or zone raises ValueError (shown to the user via TransformerError)."""

from __future__ import annotations

import pytest

from bot.discord_ui.transformers import PostTime, TimeZone

from .mocks import mock_interaction


async def test_post_time() -> None:
    assert await PostTime().transform(mock_interaction(), " 9:05 ") == "09:05"
    with pytest.raises(ValueError, match="not a time of day"):
        await PostTime().transform(mock_interaction(), "25:00")


async def test_time_zone_and_its_suggestions() -> None:
    assert await TimeZone().transform(mock_interaction(), "europe/berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match="not a known time zone"):
        await TimeZone().transform(mock_interaction(), "Mars/Olympus")
    choices = await TimeZone().autocomplete(mock_interaction(), "berl")
    assert "Europe/Berlin" in [c.value for c in choices] and len(choices) <= 25
