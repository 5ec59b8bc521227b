"""The lookup log: every answered or unanswered lookup, written in batches off the reply path.

``LookupLog.record`` only appends to an in-memory queue; a background task writes the queue with one
``executemany`` transaction per batch. ``close`` (called on graceful shutdown) writes whatever is still queued,
so nothing is lost. A failed write puts its rows back at the front of the queue for the next attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from bot.clock import Clock, utc_now
from bot.storage.database import Database

log = logging.getLogger(__name__)

MAX_QUERY_STORED = 200


class AnswerLike(Protocol):
    """What ``LookupRecord.of`` reads from an answer: the engine's ``Answer`` fits it, and storage never imports
    the engine (``bot.storage`` sits below ``bot.engine`` in the layers)."""

    query: str
    intent: str
    score: float
    latency_ms: float

    @property
    def entry_number(self) -> int | None:
        """The number of the entry answered, or None."""
        ...


_INSERT = (
    "INSERT INTO lookups (at, guild_id, channel_id, user_key, source, query, intent, entry, score, latency_ms)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True)
class LookupRecord:
    """One lookup as it is stored."""

    at: datetime
    source: str
    query: str
    intent: str
    entry: int | None
    score: float = 0.0
    latency_ms: float = 0.0
    guild_id: int | None = None
    channel_id: int | None = None
    user_key: str | None = None

    @classmethod
    def of(
        cls,
        answer: AnswerLike,
        *,
        at: datetime,
        source: str,
        guild_id: int | None = None,
        channel_id: int | None = None,
        user_key: str | None = None,
    ) -> LookupRecord:
        """The row for an engine answer."""
        return cls(at=at, source=source, query=answer.query, intent=answer.intent, entry=answer.entry_number,
                   score=answer.score, latency_ms=answer.latency_ms, guild_id=guild_id, channel_id=channel_id,
                   user_key=user_key)

    def row(self) -> tuple[object, ...]:
        """The parameter row for the INSERT."""
        return (
            self.at.astimezone(UTC).isoformat(timespec="milliseconds"),
            self.guild_id,
            self.channel_id,
            self.user_key,
            self.source,
            self.query[:MAX_QUERY_STORED],
            self.intent,
            self.entry,
            round(float(self.score), 2),
            round(float(self.latency_ms), 3),
        )


def user_key(user_id: int | None, secret: bytes, *, raw: bool = False) -> str | None:
    """A pseudonymous key for a user: a keyed hash (HMAC-SHA256), or the raw ID only if configured."""
    if user_id is None:
        return None
    if raw:
        return str(user_id)
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


class LookupLog:
    """Queue lookups and write them in batches. Use ``start`` once, ``record`` freely, ``close`` at the end.

    ``batch_size`` rows go into one ``executemany`` transaction; a full batch wakes the writer at once, otherwise
    it writes every ``flush_interval`` seconds. Past ``max_queue`` rows (the database is unreachable for long) the
    oldest rows are dropped and counted in ``dropped``, so memory stays bounded.
    """

    def __init__(
        self,
        db: Database,
        *,
        batch_size: int = 500,
        flush_interval: float = 1.0,
        max_queue: int = 1_000_000,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.db = db
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_queue = max_queue
        self._queue: deque[LookupRecord] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._write_lock = asyncio.Lock()
        self._in_flight: dict[asyncio.Task[int], int] = {}  # batch writes still running -> their row count
        self._closed = False
        self.written = 0
        self.dropped = 0

    @property
    def pending(self) -> int:
        """Rows queued and not yet written (a batch being written counts until it has landed)."""
        return len(self._queue) + sum(self._in_flight.values())

    def record(self, record: LookupRecord) -> None:
        """Queue one lookup; never blocks and never raises on the reply path."""
        if len(self._queue) >= self.max_queue:
            self._queue.popleft()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 10_000 == 0:
                log.error("lookup queue full (%d rows); oldest rows are being dropped", self.max_queue)
        self._queue.append(record)
        if len(self._queue) >= self.batch_size:
            self._wake.set()

    async def start(self) -> None:
        """Start the background writer."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="lookup-log-writer")

    async def _run(self) -> None:
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.flush_interval)
            self._wake.clear()
            if self._closed:
                break
            try:
                await self.flush()
            except Exception:  # keep the rows, keep the bot running, try again later
                log.exception("writing the lookup log failed; %d rows kept for the next attempt", self.pending)
                await asyncio.sleep(self.flush_interval)

    async def flush(self) -> int:
        """Write everything queued now, one transaction per batch; return the number of rows written.

        Each batch is written by its own task, which settles the rows itself: written (counted in ``written``)
        or, if the write fails, put back at the front of the queue. Cancelling ``flush`` therefore never
        abandons a write halfway: the running batch still lands or returns, and the next ``flush`` or
        ``close`` first waits for it, so rows are neither lost nor written twice.
        """
        total = 0
        async with self._write_lock:
            await self._wait_in_flight()
            while self._queue:
                batch = [self._queue.popleft() for _ in range(min(self.batch_size, len(self._queue)))]
                write = asyncio.create_task(self._write(batch))
                self._in_flight[write] = len(batch)
                total += await asyncio.shield(write)
        return total

    async def _wait_in_flight(self) -> None:
        if self._in_flight:
            await asyncio.wait(list(self._in_flight))

    async def _write(self, batch: list[LookupRecord]) -> int:
        try:
            await self.db.executemany(_INSERT, [r.row() for r in batch])
        except BaseException:
            self._queue.extendleft(reversed(batch))
            raise
        else:
            self.written += len(batch)
            return len(batch)
        finally:  # settled: its rows are either counted as written or back in the queue
            self._in_flight.pop(asyncio.current_task(), None)  # type: ignore[arg-type]

    async def close(self) -> None:
        """Stop the writer and write every queued row (idempotent). The writer is asked to stop, not
        cancelled, so a batch being written completes first."""
        self._closed = True
        self._wake.set()
        if self._task is not None:
            task, self._task = self._task, None
            with contextlib.suppress(Exception):
                await task
        await self.flush()


async def prune(db: Database, retention_days: int, clock: Clock = utc_now) -> int:
    """Delete lookups older than ``retention_days`` (0 keeps everything); return rows deleted."""
    if retention_days <= 0:
        return 0
    cutoff = (clock() - timedelta(days=retention_days)).astimezone(UTC).isoformat(timespec="milliseconds")
    return await db.execute("DELETE FROM lookups WHERE at < ?", (cutoff,))


@dataclass(frozen=True, slots=True)
class StatsSummary:
    """What ``/glossary stats`` and ``cyberglossary stats`` show."""

    days: int
    total: int
    answered: int
    per_day: list[tuple[date, int]]
    top_terms: list[tuple[int, int]]
    top_unanswered: list[tuple[str, int]]

    @property
    def answer_rate(self) -> float:
        """Share of lookups answered with an entry."""
        return self.answered / self.total if self.total else 0.0


async def summary(
    db: Database, *, guild_id: int | None = None, days: int = 30, limit: int = 10, clock: Clock = utc_now
) -> StatsSummary:
    """Lookups per day, top terms, top unanswered glossary questions and the answer rate.

    ``guild_id`` limits the figures to one server; None covers the whole database. Unanswered means a
    glossary question (intent other than ``none``) that got no entry; chatter is not counted there.
    """
    since = (clock() - timedelta(days=days)).astimezone(UTC).isoformat(timespec="milliseconds")
    scope = "at >= ?" + (" AND guild_id = ?" if guild_id is not None else "")
    params: tuple[object, ...] = (since, guild_id) if guild_id is not None else (since,)
    row = await db.fetchone(
        f"SELECT COUNT(*), COUNT(entry) FROM lookups WHERE {scope} AND intent != 'none'",  # noqa: S608 - fixed text
        params,
    )
    total, answered = (int(row[0]), int(row[1])) if row else (0, 0)
    per_day = [
        (date.fromisoformat(str(day)), int(n))
        for day, n in await db.fetchall(
            f"SELECT substr(at, 1, 10) AS day, COUNT(*) FROM lookups WHERE {scope} GROUP BY day ORDER BY day",  # noqa: S608
            params,
        )
    ]
    top_terms = [
        (int(entry), int(n))
        for entry, n in await db.fetchall(
            f"SELECT entry, COUNT(*) AS n FROM lookups WHERE {scope} AND entry IS NOT NULL"  # noqa: S608
            " GROUP BY entry ORDER BY n DESC, entry LIMIT ?",
            (*params, limit),
        )
    ]
    top_unanswered = [
        (str(q), int(n))
        for q, n in await db.fetchall(
            f"SELECT lower(trim(query)) AS q, COUNT(*) AS n FROM lookups WHERE {scope}"  # noqa: S608
            " AND entry IS NULL AND intent != 'none' GROUP BY q ORDER BY n DESC, q LIMIT ?",
            (*params, limit),
        )
    ]
    return StatsSummary(days, total, answered, per_day, top_terms, top_unanswered)
