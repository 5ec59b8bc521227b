"""Post-time validation, time zone validation and the autocomplete search."""

from __future__ import annotations

import pytest

from bot.totd.zones import COMMON_ZONES, all_timezones, parse_post_time, search_timezones, validate_timezone


def test_post_time_validation() -> None:
    assert parse_post_time("09:05") == "09:05"
    assert parse_post_time(" 7:30 ") == "07:30"
    assert parse_post_time("00:00") == "00:00" and parse_post_time("23:59") == "23:59"
    for bad in ("24:00", "12:60", "noon", "9", "09:5", "-1:00", "09:00:00", ""):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_post_time(bad)


def test_timezone_validation() -> None:
    assert validate_timezone("Europe/Berlin") == "Europe/Berlin"
    assert validate_timezone("europe/berlin") == "Europe/Berlin"
    assert validate_timezone("America/New York") == "America/New_York"
    with pytest.raises(ValueError, match="not a known time zone") as info:
        validate_timezone("Europe/Berlinn")
    assert "Europe/Berlin" in str(info.value)
    for bad in ("", "localtime", "Mars/Olympus"):
        with pytest.raises(ValueError):
            validate_timezone(bad)


def test_timezone_search_ranks_city_prefixes_first() -> None:
    assert search_timezones("berl")[0] == "Europe/Berlin"
    assert search_timezones("new york")[0] == "America/New_York"
    assert search_timezones("york")[0] == "America/New_York"
    assert search_timezones("utc")[0] == "UTC"
    assert search_timezones("europe/lon")[0] == "Europe/London"
    assert len(search_timezones("a")) == 25
    assert search_timezones("")[0] == "UTC"
    assert search_timezones("zzzz") == []
    assert all(z in search_timezones("america", limit=200) for z in ("America/Chicago", "America/Denver"))


def test_every_common_zone_is_valid_and_offered_first() -> None:
    assert all(validate_timezone(zone) == zone for zone in COMMON_ZONES)
    assert search_timezones("", limit=len(COMMON_ZONES)) == list(COMMON_ZONES)
    assert {"localtime", "Factory", "posixrules"}.isdisjoint(all_timezones())
