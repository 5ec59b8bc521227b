"""When a post is due: plain days, the midnight of other zones, and both DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.totd.schedule import due_at, local_date_of
from tests.unit.totd.support import utc


def test_due_at_plain_days() -> None:
    assert due_at(date(2026, 6, 1), "09:00", "Europe/Berlin").astimezone(UTC) == utc(2026, 6, 1, 7)
    assert due_at(date(2026, 1, 15), "09:00", "Europe/Berlin").astimezone(UTC) == utc(2026, 1, 15, 8)
    assert due_at(date(2026, 6, 1), "00:10", "Pacific/Kiritimati").astimezone(UTC) == utc(2026, 5, 31, 10, 10)
    due = due_at(date(2026, 6, 1), "09:00", "Asia/Tokyo")
    assert due.tzinfo == ZoneInfo("Asia/Tokyo") and (due.hour, due.minute) == (9, 0)


@pytest.mark.parametrize(
    ("tz", "day", "post_time", "expected_utc", "expected_local"),
    [
        ("Europe/London", date(2026, 3, 29), "01:30", utc(2026, 3, 29, 1, 0), "02:00"),  # gap 01:00-02:00
        ("Europe/London", date(2026, 3, 29), "01:00", utc(2026, 3, 29, 1, 0), "02:00"),
        ("America/New_York", date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 0), "03:00"),  # gap 02:00-03:00
        ("America/New_York", date(2026, 3, 8), "02:00", utc(2026, 3, 8, 7, 0), "03:00"),
        ("America/New_York", date(2026, 3, 8), "03:00", utc(2026, 3, 8, 7, 0), "03:00"),
        ("Europe/London", date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30), "01:30"),  # first of two
        ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30), "01:30"),
        ("Europe/London", date(2026, 10, 25), "02:30", utc(2026, 10, 25, 2, 30), "02:30"),
    ],
)
def test_due_at_across_dst(tz: str, day: date, post_time: str, expected_utc: datetime, expected_local: str) -> None:
    due = due_at(day, post_time, tz)
    assert due.astimezone(UTC) == expected_utc
    assert due.strftime("%H:%M") == expected_local and due.date() == day


def test_local_date_of_follows_the_zone_and_refuses_naive_times() -> None:
    assert local_date_of(utc(2026, 6, 1, 23), "Asia/Tokyo") == date(2026, 6, 2)
    assert local_date_of(utc(2026, 6, 1, 3), "America/Los_Angeles") == date(2026, 5, 31)
    assert local_date_of(utc(2026, 6, 1, 3), ZoneInfo("UTC")) == date(2026, 6, 1)
    with pytest.raises(ValueError):
        local_date_of(datetime(2026, 6, 1), "UTC")  # noqa: DTZ001 - the naive datetime is the point
