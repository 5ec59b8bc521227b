"""Helpers for the term-of-the-day tests: synthetic glossaries, a recording ``post`` callback, a minute ticker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from bot.clock import ManualClock
from bot.glossary.model import Entry, Glossary
from bot.storage.database import Database
from bot.totd import PostOutcome, TotdService


def make_entry(number: int) -> Entry:
    """A minimal valid entry whose term names its number."""
    return Entry(
        entry=number, term=f"Term {number:03d}", category="Malware", definition=f"Definition {number}.",
        description="d", how_it_works="h", defences=("x",), examples=("y",),
    )


def make_glossary(numbers: Iterable[int]) -> Glossary:
    """A glossary of ``make_entry`` entries."""
    return Glossary.of(make_entry(n) for n in numbers)


def utc(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


class Poster:
    """The ``post`` callback: records every call and delivery with the clock time; can fail per guild."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sent: list[tuple[int, int, int, date, datetime]] = []  # guild, channel, entry, local date, at
        self.tried: list[tuple[int, datetime]] = []  # guild, at
        self.fail: dict[int, BaseException] = {}

    @property
    def calls(self) -> int:
        """How many times ``post`` was called."""
        return len(self.tried)

    async def __call__(self, guild_id: int, channel_id: int, entry: Entry, local_date: date) -> int:
        self.tried.append((guild_id, self.clock()))
        await asyncio.sleep(0)  # let a concurrent caller interleave
        error = self.fail.get(guild_id)
        if error is not None:
            raise error
        self.sent.append((guild_id, channel_id, entry.entry, local_date, self.clock()))
        return 1000 + len(self.sent)

    def entries(self, guild_id: int) -> list[int]:
        """Entries delivered to a guild, in order."""
        return [s[2] for s in self.sent if s[0] == guild_id]

    def dates(self, guild_id: int) -> list[date]:
        """Local dates delivered to a guild, in order."""
        return [s[3] for s in self.sent if s[0] == guild_id]


async def tick(service: TotdService, poster: Poster, clock: ManualClock, until: datetime,
               step: timedelta = timedelta(minutes=1)) -> list[PostOutcome]:
    """Call ``run_due_now`` every ``step`` from the clock's time up to ``until``, as the cog's loop does."""
    outcomes: list[PostOutcome] = []
    while clock() <= until:
        outcomes += await service.run_due_now(poster)
        clock.advance(step)
    return outcomes


async def post_daily(service: TotdService, poster: Poster, clock: ManualClock, days: int, at: datetime) -> None:
    """Call ``run_due_now`` once a day at the time of ``at`` for ``days`` days (the clock starts at ``at``)."""
    clock.now = at
    for _ in range(days):
        await service.run_due_now(poster)
        clock.advance(timedelta(days=1))


async def three_servers_at_nine(db: Database) -> tuple[ManualClock, TotdService]:
    """A service over entries 1-10 with servers 1, 2 and 3 (channel = server id) posting at 09:00 Berlin time;
    the clock stands at 07:00 UTC on 1 June 2026, two hours before their time."""
    clock = ManualClock(utc(2026, 6, 1, 7))
    service = TotdService(db, make_glossary(range(1, 11)), clock=clock)
    for guild in (1, 2, 3):
        await service.set(guild, guild, "09:00", "Europe/Berlin")
    return clock, service
