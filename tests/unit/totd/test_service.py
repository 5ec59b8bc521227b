"""``TotdService`` over a temporary SQLite file: settings and status, and ``run_due_now`` called at chosen clock
times as the cog's minute loop calls it (idempotence, several processes, restarts, failures, zones and DST)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.glossary.model import Entry, Glossary
from bot.storage.database import Database
from bot.storage.totd import CLAIMED, FAILED, SENDING, SENT
from bot.totd import CLAIM_STALE_AFTER, TotdDeliveryError, TotdService, seed_for_guild
from bot.totd.rotation import nth_pick, rotation_state
from bot.totd.schedule import due_at
from bot.totd.service import RETRY_DELAYS
from tests.unit.totd.support import Poster, make_glossary, post_daily, three_servers_at_nine, tick, utc


async def _setup(db_path: Path, clock: ManualClock, token: str, glossary: Glossary | None = None,
                 ) -> tuple[Database, TotdService]:
    database = await Database.open(db_path)
    return database, TotdService(database, glossary or make_glossary(range(1, 31)), clock=clock, token=token)


# -- settings and status ---------------------------------------------------------------------------------------
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

    poster = Poster(clock)
    clock.now = utc(2026, 6, 1, 7)
    [outcome] = await service.run_due_now(poster)
    status = await service.status(1)
    assert status.last_post is not None and status.last_post.status == SENT
    assert status.last_post.entry == outcome.entry and status.last_post.term == f"Term {outcome.entry:03d}"
    assert status.next_post is not None and status.next_post.astimezone(UTC) == utc(2026, 6, 2, 7)

    assert await service.off(1) is True and await service.off(1) is False
    status = await service.status(1)
    assert status.enabled is False and status.next_post is None
    clock.now = utc(2026, 6, 2, 7)
    assert await service.run_due_now(poster) == []
    unknown = await service.status(999)
    assert unknown.enabled is False and unknown.channel_id is None


async def test_reconfiguring_keeps_the_seed_and_does_not_post_twice_a_day(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    poster = Poster(clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    await service.run_due_now(poster)
    await service.set(1, 11, "15:00", "Europe/Berlin")  # a later time the same day
    clock.now = utc(2026, 6, 1, 13)
    assert await service.run_due_now(poster) == []
    assert len(poster.sent) == 1
    clock.now = utc(2026, 6, 2, 13)
    await service.run_due_now(poster)
    assert [s[1] for s in poster.sent] == [10, 11]


async def test_a_new_setting_is_picked_up_by_the_next_call(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 6, 0))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    poster = Poster(clock)
    assert await service.run_due_now(poster) == []  # nothing configured: nothing to do
    await service.set(1, 10, "06:30", "UTC")
    await tick(service, poster, clock, until=utc(2026, 6, 1, 7, 0))
    assert [s[4] for s in poster.sent] == [utc(2026, 6, 1, 6, 30)]  # on the first call at its time, once


# -- idempotence ---------------------------------------------------------------------------------------------
async def test_calling_twice_in_the_same_minute_posts_once(db: Database) -> None:
    clock, service = await three_servers_at_nine(db)
    poster = Poster(clock)
    together = await asyncio.gather(service.run_due_now(poster), service.run_due_now(poster))
    again = await service.run_due_now(poster)
    assert sorted(o.guild_id for o in together[0] + together[1] if o.status == SENT) == [1, 2, 3]
    assert again == [] and poster.calls == 3


async def test_two_services_on_one_database_post_exactly_once(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    db_a, service_a = await _setup(db_path, clock, "a")
    db_b, service_b = await _setup(db_path, clock, "b")
    for guild in range(1, 21):
        await service_a.set(guild, guild, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    for day in range(3):
        clock.now = utc(2026, 6, 1 + day, 7)
        a, b = await asyncio.gather(service_a.run_due_now(poster), service_b.run_due_now(poster))
        assert len([o for o in a + b if o.status == SENT]) == 20
    for guild in range(1, 21):
        assert len(poster.dates(guild)) == 3 and len(set(poster.dates(guild))) == 3
    assert poster.calls == 60
    await db_a.close()
    await db_b.close()


# -- zones, midnight, DST ------------------------------------------------------------------------------------
async def test_servers_in_different_zones_post_once_a_local_day_on_time(db: Database) -> None:
    start = utc(2026, 6, 1, 0, 0)
    clock = ManualClock(start)
    service = TotdService(db, make_glossary(range(1, 51)), clock=clock)
    zones = {1: ("Europe/Berlin", "09:00"), 2: ("America/New_York", "09:00"), 3: ("Asia/Tokyo", "09:00"),
             4: ("Asia/Kolkata", "09:30"), 5: ("America/Los_Angeles", "23:30"), 6: ("Pacific/Kiritimati", "00:10")}
    for guild, (tz, at) in zones.items():
        await service.set(guild, guild * 10, at, tz)
    poster = Poster(clock)
    # every 10 minutes (all the set times are on the grid) keeps four days of calls fast
    await tick(service, poster, clock, until=utc(2026, 6, 4, 23, 50), step=timedelta(minutes=10))
    for guild, (tz, at) in zones.items():
        dates = poster.dates(guild)
        assert len(dates) == len(set(dates)), guild  # never twice on a local date
        for _, _, _, day, sent_at in (s for s in poster.sent if s[0] == guild):
            # on its time; a day already due when the bot started is posted at once
            assert sent_at == max(due_at(day, at, tz).astimezone(UTC), start), guild
    at_start = sorted(s[0] for s in poster.sent if s[4] == start)
    assert at_start == [2, 3, 6]  # New York's 31 May (20:00 there), Tokyo's 09:00, Kiritimati's 14:00
    assert poster.dates(3) == [date(2026, 6, d) for d in range(1, 5)]  # Tokyo 09:00 = 00:00 UTC
    assert poster.dates(5) == [date(2026, 5, 31), date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    assert poster.dates(6) == [date(2026, 6, d) for d in range(1, 6)]  # 00:10 in Kiritimati = 10:10 UTC


async def test_midnight_utc_is_not_a_boundary_for_other_zones(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 6, 0))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "23:30", "America/Los_Angeles")  # 06:30 UTC the next UTC day
    poster = Poster(clock)
    clock.now = utc(2026, 6, 1, 6, 30)  # 31 May 23:30 in LA
    assert len(await service.run_due_now(poster)) == 1
    for instant in (utc(2026, 6, 1, 23, 59), utc(2026, 6, 2, 0, 0), utc(2026, 6, 2, 0, 1), utc(2026, 6, 2, 6, 29)):
        clock.now = instant  # still 1 June in LA before 23:30: nothing due
        assert await service.run_due_now(poster) == []
    clock.now = utc(2026, 6, 2, 6, 30)
    assert len(await service.run_due_now(poster)) == 1
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
    # the minute loop around the change: every minute from 30 minutes before the first instant to 2 h after it
    await tick(service, poster, clock, until=first - timedelta(minutes=31), step=timedelta(minutes=30))
    await tick(service, poster, clock, until=first + timedelta(hours=2))
    clock.now = first + timedelta(hours=2, minutes=30)  # back on the half-hour grid of the set times
    await tick(service, poster, clock, until=first + timedelta(days=2), step=timedelta(minutes=30))
    sent = {s[3]: s[4] for s in poster.sent}
    assert sent[day] == first  # the first minute that exists (gap) or the first occurrence (repeat)
    assert poster.dates(1) == sorted(set(poster.dates(1)))  # one post per local date
    if second is not None:  # the repeated wall time does not post again
        clock.now = second
        assert await service.run_due_now(poster) == []
        assert len([s for s in poster.sent if s[3] == day]) == 1
    # the days before and after post at their normal offset
    for other in (day - timedelta(days=1), day + timedelta(days=1)):
        assert sent[other] == due_at(other, post_time, tz).astimezone(UTC)


# -- restarts and crashes ------------------------------------------------------------------------------------
async def test_restart_before_claim_posts_on_start_the_same_day(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 6))
    database, service = await _setup(db_path, clock, "first")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    expected = await service.term_for(1, date(2026, 6, 1))
    await database.close()  # the bot is down at 09:00 Berlin
    clock.now = utc(2026, 6, 1, 20)
    database, service = await _setup(db_path, clock, "second")
    poster = Poster(clock)
    outcomes = await service.run_due_now(poster)
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
    outcomes = await tick(service, poster, clock, until=utc(2026, 6, 1, 7) + CLAIM_STALE_AFTER - timedelta(minutes=1))
    assert outcomes == [] and poster.calls == 0  # a fresh claim is respected until it is stale
    [outcome] = await service.run_due_now(poster)  # the first call once it is stale
    assert clock() == utc(2026, 6, 1, 7) + CLAIM_STALE_AFTER
    assert outcome.status == SENT and poster.entries(1) == [entry]  # the claimed term, posted once
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and (row.status, row.claimed_by, row.attempts) == (SENT, "alive", 2)
    assert await service.run_due_now(poster) == []
    await database.close()


async def test_stale_claim_is_not_retaken_after_the_local_date_ended(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 21, 55))  # 23:55 in Berlin
    database, service = await _setup(db_path, clock, "dead")
    await service.set(1, 10, "23:55", "Europe/Berlin")
    assert await service.store.claim(1, date(2026, 6, 1), 1, 0, "dead", clock())
    poster = Poster(clock)
    # 1 June ends before the claim is stale (00:05), and 2 June's own time comes only at 23:55
    assert await tick(service, poster, clock, until=utc(2026, 6, 2, 21, 50), step=timedelta(minutes=5)) == []
    clock.now = utc(2026, 6, 2, 21, 55)
    [outcome] = await service.run_due_now(poster)
    assert outcome.local_date == date(2026, 6, 2) and poster.dates(1) == [date(2026, 6, 2)]
    old = await service.store.get_post(1, date(2026, 6, 1))
    assert old is not None and old.status == CLAIMED  # left as it was: nobody sent for 1 June
    await database.close()


class Crash(BaseException):
    """Stands for the process dying: not an ``Exception``, so nothing in the service catches it."""


async def test_crash_during_or_after_send_never_posts_that_day_again(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "first")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    delivered: list[int] = []

    async def post_then_die(guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        delivered.append(entry.entry)  # the message reached Discord...
        raise Crash  # ...and the process died before recording it

    with pytest.raises(Crash):
        await service.run_due_now(post_then_die)
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and row.status == SENDING
    await database.close()

    for minutes in (1, 11, 60, 600):  # restarts any time later that day
        clock.now = utc(2026, 6, 1, 7) + timedelta(minutes=minutes)
        database, service = await _setup(db_path, clock, f"restart{minutes}")
        poster = Poster(clock)
        assert await service.run_due_now(poster) == []
        assert poster.sent == []
        await database.close()
    clock.now = utc(2026, 6, 2, 7)
    database, service = await _setup(db_path, clock, "next-day")
    poster = Poster(clock)
    await service.run_due_now(poster)
    assert len(poster.sent) == 1 and poster.entries(1) != delivered  # the maybe-shown term counts as shown
    await database.close()


async def test_restart_after_complete_does_nothing(db_path: Path) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "first")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    await service.run_due_now(poster)
    await database.close()
    clock.advance(timedelta(minutes=30))
    database, service = await _setup(db_path, clock, "second")
    assert await service.run_due_now(poster) == []
    assert len(poster.sent) == 1
    await database.close()


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
    await post_daily(service, poster, clock, 25, utc(2026, 1, 1, 9))
    await database.close()
    database, service = await _setup(db_path, clock, "b", glossary)  # restart on day 26
    await post_daily(service, poster, clock, 35, utc(2026, 1, 26, 9))
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
    await post_daily(service, poster, clock, 301, utc(2026, 1, 1, 9))
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
    await post_daily(service, poster, clock, 20, utc(2026, 1, 1, 9))
    shown = set(poster.entries(1))
    service.glossary = make_glossary((set(range(1, 61)) - {min(shown), max(set(range(1, 61)) - shown)}) | {61, 62})
    current = {e.entry for e in service.glossary}
    await post_daily(service, poster, clock, len(current - shown), utc(2026, 1, 21, 9))
    cycle = poster.entries(1)
    assert len(cycle) == len(set(cycle)) == 61  # 19 kept + 1 removed after it was shown + 41 others
    assert current <= set(cycle) and {61, 62} <= set(cycle)
    assert {r.cycle for r in await service.store.posts(1)} == {0}
    await post_daily(service, poster, clock, 1, utc(2026, 3, 3, 9))
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
    caplog.set_level(logging.DEBUG, logger="bot.totd")
    outcomes = {o.guild_id: o for o in await service.run_due_now(poster)}
    assert outcomes[1].status == FAILED and outcomes[2].status == SENT  # the other guild is unaffected
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and (row.status, row.error, row.retry_at) == (FAILED, "Unknown Channel", None)
    status = await service.status(1)
    assert status.last_error == "Unknown Channel" and status.last_error_at == clock()
    assert status.last_post is not None and status.last_post.status == FAILED
    assert status.next_post is not None and status.next_post.astimezone(UTC) == utc(2026, 6, 2, 7)
    calls = poster.calls
    clock.advance(timedelta(minutes=1))
    assert await tick(service, poster, clock, until=utc(2026, 6, 2, 6, 59), step=timedelta(minutes=10)) == []
    assert poster.calls == calls  # not hammered the same day
    clock.now = utc(2026, 6, 2, 7)
    outcomes = {o.guild_id: o for o in await service.run_due_now(poster)}
    assert outcomes[1].status == FAILED  # tried again the next day
    assert outcomes[1].entry == row.entry  # with the term that could not be shown
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "Unknown Channel" in r.getMessage()]
    assert len(warnings) == 1  # the same error on the next day is not logged again as a warning
    del poster.fail[1]
    clock.now = utc(2026, 6, 3, 7)
    outcomes = {o.guild_id: o for o in await service.run_due_now(poster)}
    assert outcomes[1].status == SENT and poster.entries(1) == [row.entry]
    assert (await service.status(1)).last_error is None


async def test_any_exception_from_post_is_recorded_and_the_others_go_on(db: Database) -> None:
    clock, service = await three_servers_at_nine(db)
    poster = Poster(clock)
    poster.fail[2] = RuntimeError("boom")
    for day in (1, 2, 3):  # every 20 minutes through each morning
        clock.now = utc(2026, 6, day, 6)
        await tick(service, poster, clock, until=utc(2026, 6, day, 12), step=timedelta(minutes=20))
    assert poster.dates(1) == poster.dates(3) == [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    row = await service.store.get_post(2, date(2026, 6, 1))
    assert row is not None and row.status == FAILED and row.error == "RuntimeError: boom" and row.retry_at is None
    assert [g for g, _ in poster.tried].count(2) == 3  # guild 2 was tried once a day, not again the same day


async def test_a_server_whose_processing_fails_does_not_block_the_others(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    clock, service = await three_servers_at_nine(db)
    await db.execute("UPDATE totd_settings SET tz = ? WHERE guild_id = ?", ("Mars/Olympus", 2))  # a corrupt row
    poster = Poster(clock)
    outcomes = await service.run_due_now(poster)
    assert sorted(o.guild_id for o in outcomes) == [1, 3] and sorted(poster.dates(1) + poster.dates(3)) == [
        date(2026, 6, 1)] * 2
    assert any("guild 2" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


async def test_a_hanging_server_does_not_hold_up_the_others(db: Database) -> None:
    clock, service = await three_servers_at_nine(db)
    poster = Poster(clock)
    release = asyncio.Event()

    async def post(guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        if guild_id == 1:
            await release.wait()
        return await poster(guild_id, channel_id, entry, local_date)

    run = asyncio.create_task(service.run_due_now(post, concurrency=2))
    for _ in range(200):
        if len(poster.sent) == 2:
            break
        await asyncio.sleep(0.01)
    assert sorted(s[0] for s in poster.sent) == [2, 3] and not run.done()  # 2 and 3 posted while 1 hangs
    release.set()
    assert sorted(o.guild_id for o in await run) == [1, 2, 3]


async def test_a_database_failure_is_logged_and_the_call_returns(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    database, service = await _setup(db_path, clock, "a")
    await service.set(1, 10, "09:00", "Europe/Berlin")
    await database.close()  # every query now fails
    assert await service.run_due_now(Poster(clock)) == []
    assert any(r.levelno == logging.ERROR for r in caplog.records)


async def test_transient_failures_retry_later_the_same_day_a_bounded_number_of_times(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    poster.fail[1] = TotdDeliveryError("503 from Discord", permanent_for_today=False)
    await tick(service, poster, clock, until=utc(2026, 6, 1, 8))  # every minute for an hour
    first = utc(2026, 6, 1, 7)
    assert [at for _, at in poster.tried] == [first, first + RETRY_DELAYS[0], first + RETRY_DELAYS[0] + RETRY_DELAYS[1]]
    await tick(service, poster, clock, until=utc(2026, 6, 1, 21), step=timedelta(minutes=30))
    assert poster.calls == 3
    row = await service.store.get_post(1, date(2026, 6, 1))
    assert row is not None and row.status == FAILED and row.attempts == 3 and row.retry_at is None


async def test_post_timeout_is_not_retried(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")

    async def hang(guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        await asyncio.Event().wait()
        return 0

    [outcome] = await service.run_due_now(hang, post_timeout=0.01)
    assert outcome.status == FAILED and "no answer" in (outcome.error or "")
    clock.advance(timedelta(minutes=30))
    assert await service.run_due_now(hang, post_timeout=0.01) == []


async def test_no_back_fill_of_past_days(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 31)), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    await service.run_due_now(poster)
    upcoming = (await service.term_for(1, date(2026, 6, 2))).entry  # type: ignore[union-attr]
    clock.now = utc(2026, 6, 5, 6, 59)  # down from 1 June to 5 June, back before the day's time
    assert await service.run_due_now(poster) == []
    clock.now = utc(2026, 6, 5, 12)
    await service.run_due_now(poster)
    assert poster.dates(1) == [date(2026, 6, 1), date(2026, 6, 5)]
    assert [r.local_date for r in await service.store.posts(1)] == [date(2026, 6, 1), date(2026, 6, 5)]
    assert poster.entries(1)[1] == upcoming  # the skipped days did not skip terms
    assert await service.term_for(1, date(2026, 6, 3)) is None


async def test_empty_glossary_posts_nothing(db: Database) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary([]), clock=clock)
    await service.set(1, 10, "09:00", "Europe/Berlin")
    poster = Poster(clock)
    assert await tick(service, poster, clock, until=utc(2026, 6, 1, 8), step=timedelta(minutes=10)) == []
    assert poster.calls == 0 and await service.store.get_post(1, date(2026, 6, 1)) is None
