"""When a post is due: a guild's ``HH:MM`` in its IANA zone on a local date, across DST changes.

A wall time that does not exist that day (spring forward) is due at the first minute that does; a repeated wall
time (fall back) at its first occurrence. The ledger's (guild, local date) key keeps the second one from posting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.totd.zones import parse_post_time


def zone_of(tz: str | ZoneInfo) -> ZoneInfo:
    """A ``ZoneInfo`` from a name or a zone."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _time_of(post_time: str | time) -> time:
    if isinstance(post_time, time):
        return post_time.replace(second=0, microsecond=0, tzinfo=None)
    hour, minute = parse_post_time(post_time).split(":")
    return time(int(hour), int(minute))


def _exists(local: datetime) -> bool:
    """Whether an aware wall time really occurs in its zone (False inside a spring-forward gap)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def local_date_of(now: datetime, tz: str | ZoneInfo) -> date:
    """The calendar date in ``tz`` at the aware instant ``now``."""
    if now.tzinfo is None:
        raise ValueError("local_date_of needs a timezone-aware instant")
    return now.astimezone(zone_of(tz)).date()


def due_at(local_date: date, post_time: str | time, tz: str | ZoneInfo) -> datetime:
    """When the post of ``local_date`` is due: aware, in the guild's zone.

    A wall time skipped by a DST change moves to the first minute that exists after it (02:30 -> 03:00 on a
    spring-forward day); an ambiguous one takes its first occurrence (``fold=0``).
    """
    zone = zone_of(tz)
    wall = datetime.combine(local_date, _time_of(post_time))
    for _ in range(2 * 24 * 60):
        candidate = wall.replace(tzinfo=zone, fold=0)
        if _exists(candidate):
            return candidate
        wall += timedelta(minutes=1)
    raise ValueError(f"no valid local time after {local_date} {post_time} in {zone.key}")  # pragma: no cover
