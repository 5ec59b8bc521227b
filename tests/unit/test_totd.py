"""Term of the day without Discord: schedule math, rotation, the claim protocol and the scheduler loop.

Everything runs on a ``ManualClock`` and an injected sleep, against a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.glossary.model import Entry, Glossary
from bot.storage.database import Database
from bot.storage.totd import CLAIMED, FAILED, SENDING, SENT, PostRecord
from bot.totd import (
    CLAIM_STALE_AFTER,
    RotationState,
    TotdDeliveryError,
    TotdScheduler,
    TotdService,
    counts_as_posted,
    cycle_order,
    due_at,
    next_due,
    nth_pick,
    parse_post_time,
    predict,
    rotation_state,
    search_timezones,
    seed_for_guild,
    validate_timezone,
)

UTC_ZONE = ZoneInfo("UTC")


# -- helpers -------------------------------------------------------------------------------------------------
def make_entry(number: int) -> Entry:
    return Entry(
        entry=number, term=f"Term {number:03d}", category="Malware", definition=f"Definition {number}.",
        description="d", how_it_works="h", defences=("x",), examples=("y",),
    )


def make_glossary(numbers: Iterable[int]) -> Glossary:
    return Glossary.of(make_entry(n) for n in numbers)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Poster:
    """The ``post`` callback: records every delivery with the clock time; can fail per guild."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sent: list[tuple[int, int, int, date, datetime]] = []  # guild, channel, entry, local date, at
        self.fail: dict[int, BaseException] = {}
        self.calls = 0

    async def __call__(self, guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        self.calls += 1
        await asyncio.sleep(0)  # let a concurrent scheduler interleave
        error = self.fail.get(guild_id)
        if error is not None:
            raise error
        self.sent.append((guild_id, channel_id, entry.entry, local_date, self.clock()))
        return 1000 + len(self.sent)

    def entries(self, guild_id: int) -> list[int]:
        return [s[2] for s in self.sent if s[0] == guild_id]

    def dates(self, guild_id: int) -> list[date]:
        return [s[3] for s in self.sent if s[0] == guild_id]


class FakeSleep:
    """An injected sleep that records the requested seconds and moves the clock; parks once past ``until``."""

    def __init__(self, clock: ManualClock, until: datetime) -> None:
        self.clock = clock
        self.until = until
        self.calls: list[float] = []
        self.parked = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.clock() + timedelta(seconds=seconds) > self.until:
            self.parked.set()
            await asyncio.Event().wait()  # until the scheduler cancels it
        self.clock.advance(seconds)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "totd.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


async def run_loop(scheduler: TotdScheduler, sleep: FakeSleep) -> None:
    """Run the real scheduler loop until its injected sleep would pass ``sleep.until``."""
    scheduler.start()
    await asyncio.wait_for(sleep.parked.wait(), timeout=10)
    await scheduler.stop()


async def post_daily(scheduler: TotdScheduler, clock: ManualClock, days: int, at: datetime) -> None:
    """Call ``run_due_now`` once a day at the time of ``at`` for ``days`` days (clock starts at ``at``)."""
    clock.now = at
    for _ in range(days):
        await scheduler.run_due_now()
        clock.advance(timedelta(days=1))


# -- validation and time zone search -------------------------------------------------------------------------
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


# -- schedule math -------------------------------------------------------------------------------------------
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


def test_next_due() -> None:
    assert next_due(utc(2026, 6, 1, 6, 59), "09:00", "Europe/Berlin").astimezone(UTC) == utc(2026, 6, 1, 7)
    assert next_due(utc(2026, 6, 1, 7, 0), "09:00", "Europe/Berlin").astimezone(UTC) == utc(2026, 6, 1, 7)
    assert next_due(utc(2026, 6, 1, 7, 1), "09:00", "Europe/Berlin").astimezone(UTC) == utc(2026, 6, 2, 7)
    # 23:00 UTC on 1 June is already 2 June in Tokyo, whose 09:00 is still ahead
    assert next_due(utc(2026, 6, 1, 23), "09:00", "Asia/Tokyo").astimezone(UTC) == utc(2026, 6, 2, 0)
    with pytest.raises(ValueError):
        next_due(datetime(2026, 6, 1), "09:00", "UTC")  # noqa: DTZ001 - the naive datetime is the point


# -- rotation (pure) -----------------------------------------------------------------------------------------
def record(day: date, entry: int, cycle: int, status: str = SENT, guild: int = 1) -> PostRecord:
    return PostRecord(guild, day, entry, cycle, status, "x", utc(2026, 1, 1))


def simulate(numbers: list[int], seed: int, days: int, start: date = date(2026, 1, 1)) -> list[PostRecord]:
    """Post every day through the pure functions, as the service does."""
    history: list[PostRecord] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        entry, cycle = nth_pick(rotation_state(numbers, seed, history, day), numbers, seed, 0)
        history.append(record(day, entry, cycle))
    return history


def test_cycle_order_is_a_seeded_permutation() -> None:
    numbers = list(range(1, 301))
    a, b = cycle_order(numbers, seed_for_guild(1), 0), cycle_order(numbers, seed_for_guild(2), 0)
    assert sorted(a) == numbers and sorted(b) == numbers
    assert a != b and a[:10] != b[:10]
    assert cycle_order(numbers, seed_for_guild(1), 0) == a  # deterministic
    assert cycle_order(numbers, seed_for_guild(1), 1) != a  # a new order every cycle
    assert seed_for_guild(1) == seed_for_guild(1) and 0 <= seed_for_guild(1) < 2**63


def test_full_cycles_of_300_without_repeats() -> None:
    numbers = list(range(1, 301))
    history = simulate(numbers, seed_for_guild(77), 900)
    for cycle in range(3):
        shown = [r.entry for r in history[cycle * 300:(cycle + 1) * 300]]
        assert sorted(shown) == numbers
        assert {r.cycle for r in history[cycle * 300:(cycle + 1) * 300]} == {cycle}
    assert all(a.entry != b.entry for a, b in itertools.pairwise(history))  # no back-to-back repeat


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7])
def test_nth_pick_matches_day_by_day_simulation(size: int) -> None:
    numbers = list(range(10, 10 + size))
    seed = seed_for_guild(size)
    for done in (0, 1, size, size + 2):
        history = simulate(numbers, seed, done)
        expected = simulate(numbers, seed, done + 5 * size + 3)[done:]
        today = date(2026, 1, 1) + timedelta(days=done)
        state = rotation_state(numbers, seed, history, today)
        for k, want in enumerate(expected):
            assert nth_pick(state, numbers, seed, k) == (want.entry, want.cycle), (size, done, k)


def test_predict_uses_records_and_refuses_unrecorded_past_dates() -> None:
    numbers = list(range(1, 21))
    seed = 5
    history = simulate(numbers, seed, 10)
    today = date(2026, 1, 11)
    assert predict(numbers, seed, history, date(2026, 1, 3), today) == predict(
        numbers, seed, history, date(2026, 1, 3), date(2027, 1, 1)
    )
    got = predict(numbers, seed, history, date(2026, 1, 3), today)
    assert got is not None and got.recorded and got.entry == history[2].entry and got.status == SENT
    assert predict(numbers, seed, [], date(2026, 1, 3), today) is None
    future = simulate(numbers, seed, 40)
    for offset in range(30):
        day = today + timedelta(days=offset)
        got = predict(numbers, seed, history, day, today)
        assert got is not None and got.status == "predicted" and got.entry == future[10 + offset].entry
    far = predict(numbers, seed, history, date(9999, 12, 31), today)  # jumps whole cycles: instant
    assert far is not None and far.entry in numbers


def test_failed_and_dead_claims_do_not_use_up_an_entry() -> None:
    today = date(2026, 1, 5)
    assert counts_as_posted(record(date(2026, 1, 4), 1, 0, SENT), today)
    assert counts_as_posted(record(date(2026, 1, 4), 1, 0, SENDING), today)  # maybe shown
    assert not counts_as_posted(record(date(2026, 1, 4), 1, 0, FAILED), today)
    assert not counts_as_posted(record(date(2026, 1, 4), 1, 0, CLAIMED), today)  # died before sending
    assert counts_as_posted(record(today, 1, 0, CLAIMED), today)  # in flight
    numbers = [1, 2, 3, 4]
    order = cycle_order(numbers, 9, 0)
    state = rotation_state(numbers, 9, [record(date(2026, 1, 4), order[0], 0, FAILED)], today)
    assert state == RotationState(0, tuple(order), None)  # the undelivered term comes again


def test_added_and_removed_entries_do_not_repeat_within_the_cycle() -> None:
    numbers = list(range(1, 301))
    seed = seed_for_guild(3)
    history = simulate(numbers, seed, 100)
    shown = {r.entry for r in history}
    unshown = [n for n in numbers if n not in shown]
    removed = set(unshown[:5]) | set(sorted(shown)[:5])
    current = sorted((set(numbers) - removed) | set(range(301, 311)))
    start = date(2026, 1, 1) + timedelta(days=100)
    for offset in range(len(current) - (100 - 5)):
        day = start + timedelta(days=offset)
        entry, cycle = nth_pick(rotation_state(current, seed, history, day), current, seed, 0)
        history.append(record(day, entry, cycle))
    cycle0 = [r.entry for r in history if r.cycle == 0]
    assert len(cycle0) == len(set(cycle0))  # no repeat within the cycle
    assert set(current) <= set(cycle0)  # every current entry, the added ones too, was shown once
    nxt = nth_pick(rotation_state(current, seed, history, day + timedelta(days=1)), current, seed, 0)
    assert nxt[1] == 1  # and only then does a new cycle start


# -- service: settings and status ----------------------------------------------------------------------------
async def test_set_validates_and_status_reports(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 5))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock, token="p1")
    with pytest.raises(ValueError, match="HH:MM"):
        await service.set(1, 10, "25:00", "Europe/Berlin")
    with pytest.raises(ValueError, match="time zone"):
        await service.set(1, 10, "09:00", "Berlin")
    status = await service.set(1, 10, "9:00", "europe/berlin")
    assert (status.enabled, status.channel_id, status.time, status.tz) == (True, 10, "09:00", "Europe/Berlin")
    assert status.next_post == datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert status.next_post.utcoffset() == timedelta(hours=2)
    prediction = await service.term_for(1, date(2026, 6, 1))
    assert status.next_entry is not None and prediction is not None and status.next_entry.entry == prediction.entry
    assert status.last_post is None and status.last_error is None
    settings = await service.store.get_settings(1)
    assert settings is not None and settings.seed == seed_for_guild(1)

    scheduler = TotdScheduler(service, Poster(clock))
    clock.now = utc(2026, 6, 1, 7)
    [outcome] = await scheduler.run_due_now()
    status = await service.status(1)
    assert status.last_post is not None and status.last_post.status == SENT
    assert status.last_post.entry == outcome.entry and status.last_post.term == f"Term {outcome.entry:03d}"
    assert status.next_post is not None and status.next_post.astimezone(UTC) == utc(2026, 6, 2, 7)

    assert await service.off(1) is True and await service.off(1) is False
    status = await service.status(1)
    assert status.enabled is False and status.next_post is None
    clock.now = utc(2026, 6, 2, 7)
    assert await scheduler.run_due_now() == []
    unknown = await service.status(999)
    assert unknown.enabled is False and unknown.channel_id is None


async def test_reconfiguring_keeps_the_seed_and_does_not_post_twice_a_day(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    await scheduler.run_due_now()
    await service.set(1, 11, "15:00", "Europe/Berlin")  # a later time the same day
    clock.now = utc(2026, 6, 1, 13)
    assert await scheduler.run_due_now() == []
    assert len(poster.sent) == 1
    clock.now = utc(2026, 6, 2, 13)
    await scheduler.run_due_now()
    assert [s[1] for s in poster.sent] == [10, 11]


# -- scheduler: zones, midnight, DST -------------------------------------------------------------------------
async def test_servers_in_different_zones_post_once_a_local_day_on_time(db: Database) -> None:
    start = utc(2026, 6, 1, 0, 0)
    clock = ManualClock(start)
    service = TotdService(db, make_glossary(range(1, 51)), clock=clock)
    zones = {1: ("Europe/Berlin", "09:00"), 2: ("America/New_York", "09:00"), 3: ("Asia/Tokyo", "09:00"),
             4: ("Asia/Kolkata", "09:30"), 5: ("America/Los_Angeles", "23:30"), 6: ("Pacific/Kiritimati", "00:10")}
    for guild, (tz, at) in zones.items():
        await service.set(guild, guild * 10, at, tz)
    poster = Poster(clock)
    sleep = FakeSleep(clock, until=utc(2026, 6, 5, 0, 0))
    await run_loop(TotdScheduler(service, poster, sleep=sleep, max_sleep=10 * 86400), sleep)
    for guild, (tz, at) in zones.items():
        dates = poster.dates(guild)
        assert len(dates) == len(set(dates)), guild  # never twice on a local date
        for _, _, _, day, sent_at in (s for s in poster.sent if s[0] == guild):
            # on its time to the second; a day already due when the bot started is posted at once
            assert sent_at == max(due_at(day, at, tz).astimezone(UTC), start), guild
    at_start = sorted(s[0] for s in poster.sent if s[4] == start)
    assert at_start == [2, 3, 6]  # New York's 31 May (20:00 there), Tokyo's 09:00, Kiritimati's 14:00
    assert poster.dates(3) == [date(2026, 6, d) for d in range(1, 6)]  # Tokyo 09:00 = 00:00 UTC
    assert poster.dates(5) == [date(2026, 5, 31), date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    assert poster.dates(6) == [date(2026, 6, d) for d in range(1, 6)]  # 00:10 in Kiritimati = 10:10 UTC
    # the loop slept straight to each due time: one sleep per later post (+ the last), none a short poll
    assert len(sleep.calls) == len(poster.sent) - len(at_start) + 1
    assert min(sleep.calls) >= 30 * 60


async def test_midnight_utc_is_not_a_boundary_for_other_zones(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 6, 0))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "23:30", "America/Los_Angeles")  # 06:30 UTC the next UTC day
    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster)
    clock.now = utc(2026, 6, 1, 6, 30)  # 31 May 23:30 in LA
    assert len(await scheduler.run_due_now()) == 1
    for instant in (utc(2026, 6, 1, 23, 59), utc(2026, 6, 2, 0, 0), utc(2026, 6, 2, 0, 1), utc(2026, 6, 2, 6, 29)):
        clock.now = instant  # still 1 June in LA before 23:30: nothing due
        assert await scheduler.run_due_now() == []
    clock.now = utc(2026, 6, 2, 6, 30)
    assert len(await scheduler.run_due_now()) == 1
    assert poster.dates(1) == [date(2026, 5, 31), date(2026, 6, 1)]


@pytest.mark.parametrize(
    ("tz", "post_time", "day", "first", "second"),
    [
        ("Europe/London", "01:30", date(2026, 3, 29), utc(2026, 3, 29, 1, 0), None),  # 01:30 skipped -> 02:00
        ("America/New_York", "02:30", date(2026, 3, 8), utc(2026, 3, 8, 7, 0), None),  # 02:30 skipped -> 03:00
        ("Europe/London", "01:30", date(2026, 10, 25), utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)),
        ("America/New_York", "01:30", date(2026, 11, 1), utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
    ],
)
async def test_dst_days_post_once_at_the_right_instant(
    db: Database, tz: str, post_time: str, day: date, first: datetime, second: datetime | None
) -> None:
    clock = ManualClock(datetime.combine(day - timedelta(days=1), datetime.min.time(), ZoneInfo(tz)).astimezone(UTC))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, post_time, tz)
    poster = Poster(clock)
    sleep = FakeSleep(clock, until=first + timedelta(days=2))
    await run_loop(TotdScheduler(service, poster, sleep=sleep, max_sleep=7 * 86400), sleep)
    sent = {s[3]: s[4] for s in poster.sent}
    assert sent[day] == first  # within 60 s of the set time: exactly on it
    assert poster.dates(1) == sorted(set(poster.dates(1)))  # one post per local date
    if second is not None:  # the repeated wall time does not post again
        scheduler = TotdScheduler(service, poster)
        clock.now = second
        assert await scheduler.run_due_now() == []
        assert len([s for s in poster.sent if s[3] == day]) == 1
    # the day before and after post at the normal offset
    assert sent[day + timedelta(days=1)] == due_at(day + timedelta(days=1), post_time, tz).astimezone(UTC)


# -- restarts and concurrent processes -----------------------------------------------------------------------
async def _setup(db_path: Path, clock: ManualClock, token: str, glossary: Glossary | None = None,
                 ) -> tuple[Database, TotdService]:
    database = await Database.open(db_path)
    return database, TotdService(database, glossary or make_glossary(range(1, 31)), clock=clock, token=token)


async def test_restart_before_claim_posts_on_start_the_same_day(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 6))
    database, service = await _setup(db_path, clock, "first")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    expected = await service.term_for(1, date(2026, 6, 1))
    await database.close()  # the bot is down at 09:00 Berlin
    clock.now = utc(2026, 6, 1, 20)
    database, service = await _setup(db_path, clock, "second")
    poster = Poster(clock)
    outcomes = await TotdScheduler(service, poster).run_due_now()
    await database.close()
    assert [o.status for o in outcomes] == [SENT]
    assert expected is not None and poster.entries(1) == [expected.entry]


async def test_restart_after_claim_before_send_retakes_after_the_stale_time(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "dead")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    numbers = [e.entry for e in service.glossary]
    entry, cycle = nth_pick(rotation_state(numbers, seed_for_guild(1), [], date(2026, 6, 1)), numbers,
                            seed_for_guild(1), 0)
    assert await service.store.claim(1, date(2026, 6, 1), entry, cycle, "dead", clock())  # ...then the process died
    await database.close()

    clock.advance(timedelta(minutes=2))
    database, service = await _setup(db_path, clock, "alive")
    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster, max_sleep=86400)
    assert await scheduler.run_due_now() == []  # a fresh claim is respected
    assert await scheduler.next_delay() == (CLAIM_STALE_AFTER - timedelta(minutes=2)).total_seconds()
    clock.advance(CLAIM_STALE_AFTER - timedelta(minutes=2))
    [outcome] = await scheduler.run_due_now()
    assert outcome.status == SENT and poster.entries(1) == [entry]  # the claimed term, posted once
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and (row.status, row.claimed_by, row.attempts) == (SENT, "alive", 2)
    assert await scheduler.run_due_now() == []
    await database.close()


async def test_stale_claim_is_not_retaken_after_the_local_date_ended(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 21, 55))  # 23:55 in Berlin
    database, service = await _setup(db_path, clock, "dead")
    await service.set(1, 10, "23:55", "Europe/Berlin")
    assert await service.store.claim(1, date(2026, 6, 1), 1, 0, "dead", clock())
    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster, max_sleep=86400)
    # the retake time (00:05) is on the next local date, so the next wake is the next day's post
    assert await scheduler.next_delay() == 86400
    clock.now = utc(2026, 6, 1, 22, 6)  # 00:06 on 2 June: 1 June is gone, only 2 June's own time counts
    assert await scheduler.run_due_now() == []
    clock.now = utc(2026, 6, 2, 21, 55)
    [outcome] = await scheduler.run_due_now()
    assert outcome.local_date == date(2026, 6, 2) and poster.dates(1) == [date(2026, 6, 2)]
    old = await service.store.get_post(1, date(2026, 6, 1))
    assert old is not None and old.status == CLAIMED  # left as it was: nobody sent for 1 June
    await database.close()


class Crash(BaseException):
    """Stands for the process dying: not an ``Exception``, so nothing in the scheduler catches it."""


async def test_crash_during_or_after_send_never_posts_that_day_again(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "first")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    delivered: list[int] = []

    async def post_then_die(guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        delivered.append(entry.entry)  # the message reached Discord...
        raise Crash  # ...and the process died before recording it

    with pytest.raises(Crash):
        await service.attempt((await service.enabled())[0], post_then_die)
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and row.status == SENDING
    await database.close()

    for minutes in (1, 11, 60, 600):  # restarts any time later that day
        clock.now = utc(2026, 6, 1, 7) + timedelta(minutes=minutes)
        database, service = await _setup(db_path, clock, f"restart{minutes}")
        poster = Poster(clock)
        assert await TotdScheduler(service, poster).run_due_now() == []
        assert poster.sent == []
        await database.close()
    clock.now = utc(2026, 6, 2, 7)
    database, service = await _setup(db_path, clock, "next-day")
    poster = Poster(clock)
    await TotdScheduler(service, poster).run_due_now()
    assert len(poster.sent) == 1 and poster.entries(1) != delivered  # the maybe-shown term counts as shown
    await database.close()


async def test_restart_after_complete_does_nothing(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "first")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    await TotdScheduler(service, poster).run_due_now()
    await database.close()
    clock.advance(timedelta(minutes=30))
    database, service = await _setup(db_path, clock, "second")
    assert await TotdScheduler(service, poster).run_due_now() == []
    assert len(poster.sent) == 1
    await database.close()


async def test_two_processes_on_one_database_post_exactly_once(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    db_a, service_a = await _setup(db_path, clock, "a")
    db_b, service_b = await _setup(db_path, clock, "b")
    for guild in range(1, 21):
        await service_a.set(guild, guild, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    for day in range(3):
        clock.now = utc(2026, 6, 1 + day, 7)
        a, b = await asyncio.gather(
            TotdScheduler(service_a, poster).run_due_now(), TotdScheduler(service_b, poster).run_due_now()
        )
        assert len([o for o in a + b if o.status == SENT]) == 20
    for guild in range(1, 21):
        assert len(poster.dates(guild)) == 3 and len(set(poster.dates(guild))) == 3
    await db_a.close()
    await db_b.close()


# -- rotation through the service ----------------------------------------------------------------------------
async def test_rotation_is_deterministic_across_restarts_and_differs_between_guilds(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 1, 1, 9))
    glossary = make_glossary(range(1, 41))
    database, service = await _setup(db_path, clock, "a", glossary)
    await service.set(1, 10, "09:00", "UTC")
    await service.set(2, 20, "09:00", "UTC")
    predicted = {g: [(await service.term_for(g, date(2026, 1, 1) + timedelta(days=i))).entry  # type: ignore[union-attr]
                     for i in range(60)] for g in (1, 2)}
    poster = Poster(clock)
    await post_daily(TotdScheduler(service, poster), clock, 25, utc(2026, 1, 1, 9))
    await database.close()
    database, service = await _setup(db_path, clock, "b", glossary)  # restart on day 26
    await post_daily(TotdScheduler(service, poster), clock, 35, utc(2026, 1, 26, 9))
    await database.close()
    for guild in (1, 2):
        assert poster.entries(guild) == predicted[guild]
        assert sorted(poster.entries(guild)[:40]) == list(range(1, 41))
    assert poster.entries(1)[:40] != poster.entries(2)[:40]


async def test_full_cycle_of_300_entries_through_the_database(db: Database) -> None:
    clock = ManualClock(utc(2026, 1, 1, 9))
    service = TotdService(db, make_glossary(range(1, 301)), clock=clock)
    await service.set(1, 10, "09:00", "UTC")
    poster = Poster(clock)
    await post_daily(TotdScheduler(service, poster), clock, 301, utc(2026, 1, 1, 9))
    shown = poster.entries(1)
    assert sorted(shown[:300]) == list(range(1, 301))
    assert shown[300] != shown[299]
    rows = await service.store.posts(1)
    assert [r.cycle for r in rows] == [0] * 300 + [1]


async def test_glossary_changes_mid_cycle_cause_no_repeat(db: Database) -> None:
    clock = ManualClock(utc(2026, 1, 1, 9))
    service = TotdService(db, make_glossary(range(1, 61)), clock=clock)
    await service.set(1, 10, "09:00", "UTC")
    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster)
    await post_daily(scheduler, clock, 20, utc(2026, 1, 1, 9))
    shown = set(poster.entries(1))
    service.glossary = make_glossary((set(range(1, 61)) - {min(shown), max(set(range(1, 61)) - shown)}) | {61, 62})
    current = {e.entry for e in service.glossary}
    await post_daily(scheduler, clock, len(current - shown), utc(2026, 1, 21, 9))
    cycle = poster.entries(1)
    assert len(cycle) == len(set(cycle)) == 61  # 19 kept + 1 removed after it was shown + 41 others
    assert current <= set(cycle) and {61, 62} <= set(cycle)
    assert {r.cycle for r in await service.store.posts(1)} == {0}
    await post_daily(scheduler, clock, 1, utc(2026, 3, 3, 9))
    assert (await service.store.posts(1))[-1].cycle == 1


# -- failures ------------------------------------------------------------------------------------------------
async def test_missing_channel_is_recorded_logged_once_and_retried_next_day(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    await service.set(2, 20, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    poster.fail[1] = TotdDeliveryError("Unknown Channel", permanent_for_today=True)
    scheduler = TotdScheduler(service, poster, max_sleep=86400)
    caplog.set_level(logging.DEBUG, logger="bot.totd")
    outcomes = {o.guild_id: o for o in await scheduler.run_due_now()}
    assert outcomes[1].status == FAILED and outcomes[2].status == SENT  # the other guild is unaffected
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and (row.status, row.error, row.retry_at) == (FAILED, "Unknown Channel", None)
    status = await service.status(1)
    assert status.last_error == "Unknown Channel" and status.last_error_at == clock()
    assert status.last_post is not None and status.last_post.status == FAILED
    calls = poster.calls
    clock.advance(timedelta(hours=3))
    assert await scheduler.run_due_now() == []  # not hammered the same day
    assert poster.calls == calls
    assert await scheduler.next_delay() == 21 * 3600  # next try: tomorrow 09:00
    clock.now = utc(2026, 6, 2, 7)
    outcomes = {o.guild_id: o for o in await scheduler.run_due_now()}
    assert outcomes[1].status == FAILED  # tried again the next day
    assert outcomes[1].entry == row.entry  # with the term that could not be shown
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "Unknown Channel" in r.getMessage()]
    assert len(warnings) == 1  # the same error on the next day is not logged again as a warning
    del poster.fail[1]
    clock.now = utc(2026, 6, 3, 7)
    outcomes = {o.guild_id: o for o in await scheduler.run_due_now()}
    assert outcomes[1].status == SENT and poster.entries(1) == [row.entry]
    assert (await service.status(1)).last_error is None


async def test_any_exception_is_caught_recorded_and_the_scheduler_goes_on(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    for guild in (1, 2, 3):
        await service.set(guild, guild, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    poster.fail[2] = RuntimeError("boom")
    sleep = FakeSleep(clock, until=utc(2026, 6, 3, 12))
    await run_loop(TotdScheduler(service, poster, sleep=sleep, max_sleep=86400), sleep)
    assert poster.dates(1) == poster.dates(3) == [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    row = await service.store.get_post(2, date(2026, 6, 1))
    assert row is not None and row.status == FAILED and row.error == "RuntimeError: boom" and row.retry_at is None
    assert poster.calls == 9  # guild 2 was tried once a day, not again the same day


async def test_transient_failures_retry_later_the_same_day_a_bounded_number_of_times(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    poster.fail[1] = TotdDeliveryError("503 from Discord", permanent_for_today=False)
    sleep = FakeSleep(clock, until=utc(2026, 6, 1, 20))
    await run_loop(TotdScheduler(service, poster, sleep=sleep, max_sleep=86400), sleep)
    assert poster.calls == 3
    assert sleep.calls[:2] == [300.0, 900.0]  # 5 then 15 minutes later
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and row.status == FAILED and row.attempts == 3 and row.retry_at is None


async def test_post_timeout_is_not_retried(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")

    async def hang(guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        await asyncio.Event().wait()
        return 0

    scheduler = TotdScheduler(service, hang, post_timeout=0.01)
    [outcome] = await scheduler.run_due_now()
    assert outcome.status == FAILED and "no answer" in (outcome.error or "")
    assert await scheduler.run_due_now() == []


async def test_no_back_fill_of_past_days(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 31)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster)
    await scheduler.run_due_now()
    upcoming = (await service.term_for(1, date(2026, 6, 2))).entry  # type: ignore[union-attr]
    clock.now = utc(2026, 6, 5, 6, 59)  # down from 1 June to 5 June, back before the day's time
    assert await scheduler.run_due_now() == []
    clock.now = utc(2026, 6, 5, 12)
    await scheduler.run_due_now()
    assert poster.dates(1) == [date(2026, 6, 1), date(2026, 6, 5)]
    assert [r.local_date for r in await service.store.posts(1)] == [date(2026, 6, 1), date(2026, 6, 5)]
    assert poster.entries(1)[1] == upcoming  # the skipped days did not skip terms
    assert await service.term_for(1, date(2026, 6, 3)) is None


async def test_empty_glossary_posts_nothing_and_does_not_spin(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary([]), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    scheduler = TotdScheduler(service, Poster(clock))
    assert await scheduler.run_due_now() == []
    assert await scheduler.next_delay(attempted=False) == scheduler.retry_delay


# -- the loop: sleeping, waking, stopping --------------------------------------------------------------------
async def test_loop_sleeps_exactly_until_the_next_due_post(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 4, 0))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")  # 07:00 UTC
    await service.set(2, 20, "08:15", "UTC")
    poster = Poster(clock)
    sleep = FakeSleep(clock, until=utc(2026, 6, 3, 0))
    await run_loop(TotdScheduler(service, poster, sleep=sleep, max_sleep=2 * 86400), sleep)
    assert sleep.calls == [3 * 3600, 75 * 60, 22 * 3600 + 45 * 60, 75 * 60, 22 * 3600 + 45 * 60]
    assert [s[4] for s in poster.sent] == [utc(2026, 6, 1, 7), utc(2026, 6, 1, 8, 15), utc(2026, 6, 2, 7),
                                          utc(2026, 6, 2, 8, 15)]


async def test_loop_caps_single_sleeps_and_idles_without_guilds(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 0, 0))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    sleep = FakeSleep(clock, until=utc(2026, 6, 1, 2, 30))
    await run_loop(TotdScheduler(service, Poster(clock), sleep=sleep), sleep)
    assert sleep.calls == [3600.0, 3600.0, 3600.0]  # nothing configured: hourly check, no polling


async def test_settings_change_wakes_the_sleeping_loop(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 6, 0))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "23:00", "UTC")
    requested: list[float] = []
    asleep = asyncio.Event()

    async def block(seconds: float) -> None:
        requested.append(seconds)
        asleep.set()
        await asyncio.Event().wait()

    poster = Poster(clock)
    scheduler = TotdScheduler(service, poster, sleep=block, max_sleep=86400)
    scheduler.start()
    await asyncio.wait_for(asleep.wait(), 5)
    assert requested == [17 * 3600]
    asleep.clear()
    await service.set(2, 20, "06:30", "UTC")  # earlier than the current wake-up
    await asyncio.wait_for(asleep.wait(), 5)
    assert requested == [17 * 3600, 30 * 60]
    asleep.clear()
    clock.advance(30 * 60)
    scheduler.notify_settings_changed()
    await asyncio.wait_for(asleep.wait(), 5)
    assert poster.entries(2) and requested[-1] == 16.5 * 3600
    await scheduler.stop()
    assert not scheduler.running
    await scheduler.stop()  # idempotent


# -- the console command ---------------------------------------------------------------------------------------
def test_cmd_totd_offline_matches_the_service_prediction(capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import commands_extra

    glossary = make_glossary(range(1, 21))
    monkeypatch.setattr(commands_extra, "load_glossary", lambda _path: glossary)
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    clock = ManualClock(utc(2026, 6, 1, 12))
    args = argparse.Namespace(glossary=None, date="2026-06-10", guild=42)
    assert commands_extra.cmd_totd(args, clock=clock) == 0
    out = capsys.readouterr().out
    want = predict([e.entry for e in glossary], seed_for_guild(42), [], date(2026, 6, 10), date(2026, 6, 1))
    assert want is not None and f"Term {want.entry:03d}" in out and "2026-06-10 (server 42)" in out
    assert "predicted" in out
    assert commands_extra.cmd_totd(argparse.Namespace(glossary=None, date="2026-05-01", guild=42), clock=clock) == 1
    assert commands_extra.cmd_totd(argparse.Namespace(glossary=None, date="June 1", guild=42), clock=clock) == 2


async def test_cmd_totd_reads_the_database(db_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import commands_extra

    glossary = make_glossary(range(1, 21))
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "bot", glossary)
    await service.set(42, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    await TotdScheduler(service, poster).run_due_now()
    tomorrow = (await service.term_for(42, date(2026, 6, 2))).entry  # type: ignore[union-attr]
    await database.close()
    monkeypatch.setattr(commands_extra, "load_glossary", lambda _path: glossary)
    monkeypatch.setenv("DATABASE_PATH", str(db_path))

    def run(day: str) -> tuple[int, str]:  # in a thread: the command runs its own event loop
        code = commands_extra.cmd_totd(argparse.Namespace(glossary=None, date=day, guild=42), clock=clock)
        return code, capsys.readouterr().out

    code, out = await asyncio.to_thread(run, "2026-06-01")
    assert code == 0 and f"Term {poster.entries(42)[0]:03d}" in out and "[posted]" in out
    code, out = await asyncio.to_thread(run, "2026-06-02")
    assert code == 0 and f"Term {tomorrow:03d}" in out and "[predicted]" in out
