"""Validating a post time and a time zone, and searching time zones by what a user typed (autocomplete)."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_CANONICAL_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Asia/Shanghai",
    "Asia/Singapore", "Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg",
)
"""What the search offers before anything is typed."""


def parse_post_time(text: str) -> str:
    """Validate a 24-hour ``HH:MM`` (``H:MM`` accepted) from 00:00 to 23:59; return it as ``HH:MM``."""
    match = _TIME_RE.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    raise ValueError(f"'{text.strip()}' is not a time of day: use 24-hour HH:MM from 00:00 to 23:59, e.g. 09:00.")


@lru_cache(maxsize=1)
def all_timezones() -> frozenset[str]:
    """Every IANA zone name usable here (``localtime``, ``Factory`` and ``posixrules`` left out)."""
    return frozenset(available_timezones() - {"localtime", "Factory", "posixrules"})


@lru_cache(maxsize=1)
def _zones_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in all_timezones()}


def validate_timezone(name: str) -> str:
    """Return the canonical IANA name for ``name`` (case and spaces forgiven) or raise ``ValueError``."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned:
        raise ValueError("Give a time zone as an IANA name, e.g. Europe/Berlin or America/New_York.")
    canonical = cleaned if cleaned in all_timezones() else _zones_by_lower().get(cleaned.lower())
    if canonical is not None:
        try:
            ZoneInfo(canonical)
        except (ZoneInfoNotFoundError, ValueError):
            canonical = None
    if canonical is None:
        hints = search_timezones(cleaned, limit=3)
        hint = f" Did you mean {', '.join(hints)}?" if hints else ""
        raise ValueError(
            f"'{name.strip()}' is not a known time zone.{hint} Use an IANA name such as Europe/Berlin or "
            "America/New_York."
        )
    return canonical


def _zone_rank(query: str, name: str) -> int | None:
    """How well ``name`` matches ``query`` (lower is better), or None when it does not match at all."""
    lower = name.lower()
    city = lower.rsplit("/", 1)[-1]
    if lower == query:
        return 0
    if city == query:
        return 1
    if city.startswith(query):
        return 2
    if lower.startswith(query):
        return 3
    if any(part.startswith(query) for part in re.split(r"[/_\-]", lower)):
        return 4
    if query in lower:
        return 5
    return None


def search_timezones(text: str, limit: int = 25) -> list[str]:
    """IANA zones matching a typed prefix or substring, best first (for autocomplete; at most ``limit``).

    City-name prefixes rank first ("berl" -> Europe/Berlin), then whole-name prefixes, word prefixes
    ("york" -> America/New_York) and substrings; canonical Area/City names before legacy aliases, shorter first.
    """
    query = text.strip().lower().replace(" ", "_")
    if not query:
        return list(COMMON_ZONES[:limit])
    scored = []
    for name in all_timezones():
        rank = _zone_rank(query, name)
        if rank is not None:
            legacy = name != "UTC" and name.split("/", 1)[0] not in _CANONICAL_AREAS
            scored.append((rank, legacy, len(name), name))
    scored.sort()
    return [item[3] for item in scored[:limit]]
