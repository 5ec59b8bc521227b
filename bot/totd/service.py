"""The term of the day over one database: settings, status, predictions, and posting what is due now.

Nothing here keeps time. Whoever drives the service (the cog's ``tasks.loop``) calls ``run_due_now`` every
minute or so; the claim protocol below makes each call idempotent, within one process and across processes
sharing the database file. A day whose time has passed while the bot was down is posted when it comes back, if
it is still that local date; earlier days are not back-filled.

Claim protocol (at most one message per guild and local date, across restarts and processes)
    1. ``claim``: ``INSERT ... ON CONFLICT DO NOTHING`` of the (guild, date) row as ``claimed`` by this process's
       token. Only the inserter goes on.
    2. ``mark_sending``: ``UPDATE ... SET status='sending' WHERE status='claimed' AND claimed_by=token``. Only after
       this compare-and-set succeeds is ``post`` called.
    3. ``complete`` (``sent`` + message ID) or ``fail`` (``failed`` + error).
    A row stuck in ``claimed`` proves its holder never reached step 2, so never called ``post``: it may be retaken
    (compare-and-set on the exact holder and claim time read) once older than ``CLAIM_STALE_AFTER``, and only while
    it is still that local date. Even if the old holder was merely paused rather than dead, its own step 2 now
    fails because ``claimed_by`` changed, so at most one process ever calls ``post``. A row stuck in ``sending``
    (crash or cancel during or right after ``post``) may or may not have produced a message, and is never retried:
    a missed day is preferred to a double post. ``post`` errors of unknown outcome (anything but
    ``TotdDeliveryError``, and timeouts) are likewise not retried that day. ``TotdDeliveryError`` promises that
    nothing was sent: with ``permanent_for_today`` (missing channel or permission) the day is given up and the
    next day tries again; otherwise the row is retried a few times later the same day.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import UTC, date, datetime, timedelta

from bot.clock import Clock, utc_now
from bot.glossary.model import Entry, Glossary
from bot.storage.database import Database
from bot.storage.totd import CLAIMED, FAILED, SENT, PostRecord, TotdSettings, TotdStore
from bot.totd.models import LastPost, PostCallback, PostOutcome, TotdDeliveryError, TotdStatus
from bot.totd.rotation import Prediction, entry_numbers, nth_pick, predict, rotation_state, seed_for_guild
from bot.totd.schedule import due_at, local_date_of, zone_of
from bot.totd.zones import parse_post_time, validate_timezone

log = logging.getLogger(__name__)

CLAIM_STALE_AFTER = timedelta(minutes=10)
"""A ``claimed`` row older than this belongs to a process that died before sending; it may be retaken."""
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=15))
"""Waits before the 2nd and 3rd attempt after a transient ``TotdDeliveryError`` (same local date only)."""
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
POST_TIMEOUT = 120.0
"""Seconds ``post`` may take; after that the outcome is unknown and the day is not retried."""
CONCURRENT_POSTS = 5
"""How many guilds ``run_due_now`` posts for at the same time, so one slow channel does not hold up the rest."""


def _next_attempt_at(settings: TotdSettings, record: PostRecord | None, now: datetime) -> datetime:
    """When (UTC) a guild can next post, given the ledger row of its current local date."""
    zone = zone_of(settings.tz)
    today = local_date_of(now, zone)
    tomorrow = due_at(today + timedelta(days=1), settings.post_time, zone).astimezone(UTC)
    if record is None:
        return due_at(today, settings.post_time, zone).astimezone(UTC)
    if record.status == CLAIMED:
        at = record.claimed_at + CLAIM_STALE_AFTER
        return at.astimezone(UTC) if local_date_of(at, zone) == today else tomorrow
    if record.status == FAILED and record.retry_at is not None and record.attempts < MAX_ATTEMPTS:
        at = record.retry_at
        return at.astimezone(UTC) if local_date_of(at, zone) == today else tomorrow
    return tomorrow


def _process_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class TotdService:
    """Settings, status, predictions and posting over one database; no timing of its own."""

    def __init__(
        self, db: Database, glossary: Glossary, *, clock: Clock = utc_now, token: str | None = None
    ) -> None:
        self.store = TotdStore(db)
        self.glossary = glossary
        self.clock = clock
        self.token = token or _process_token()

    # -- admin settings ---------------------------------------------------------------------------------------
    async def set(self, guild_id: int, channel_id: int, post_time: str, tz: str) -> TotdStatus:
        """Switch the term of the day on for a guild. Raises ``ValueError`` with a user-facing message."""
        normalised_time = parse_post_time(post_time)
        zone = validate_timezone(tz)
        existing = await self.store.get_settings(guild_id)
        seed = existing.seed if existing else seed_for_guild(guild_id)
        await self.store.save_settings(guild_id, channel_id, normalised_time, zone, seed, self.clock())
        return await self.status(guild_id)

    async def off(self, guild_id: int) -> bool:
        """Switch the term of the day off (settings and history are kept); False when it was not on."""
        return await self.store.disable(guild_id, self.clock())
    async def status(self, guild_id: int) -> TotdStatus:
        """The guild's settings, next post (time and term), last post and last error."""
        settings = await self.store.get_settings(guild_id)
        last = await self.store.last_post(guild_id)
        last_post = None
        if last is not None:
            found = self.glossary.by_number(last.entry)
            last_post = LastPost(
                last.local_date, last.entry, found.term if found else None, last.status, last.error,
                last.channel_id, last.message_id,
            )
        if settings is None:
            return TotdStatus(guild_id, False, None, None, None, None, None, last_post, None, None)
        next_post, next_entry = None, None
        if settings.enabled:
            next_post, next_entry = await self._next_post(settings)
        return TotdStatus(
            guild_id, settings.enabled, settings.channel_id, settings.post_time, settings.tz, next_post, next_entry,
            last_post, settings.last_error, settings.last_error_at,
        )

    async def _next_post(self, settings: TotdSettings) -> tuple[datetime, Entry | None]:
        now = self.clock()
        zone = zone_of(settings.tz)
        record = await self.store.get_post(settings.guild_id, local_date_of(now, zone))
        at = max(_next_attempt_at(settings, record, now), now.astimezone(UTC)).astimezone(zone)
        prediction = predict(
            entry_numbers(self.glossary), settings.seed, await self.store.posts(settings.guild_id), at.date(),
            local_date_of(now, zone),
        )
        return at, self.glossary.by_number(prediction.entry) if prediction else None

    # -- predictions ------------------------------------------------------------------------------------------
    async def term_for(self, guild_id: int, local_date: date | None = None) -> Prediction | None:
        """The term a guild gets (or got) on a local date; today in its zone by default."""
        settings = await self.store.get_settings(guild_id)
        zone = zone_of(settings.tz if settings else "UTC")
        seed = settings.seed if settings else seed_for_guild(guild_id)
        today = local_date_of(self.clock(), zone)
        history = await self.store.posts(guild_id)
        return predict(entry_numbers(self.glossary), seed, history, local_date or today, today)

    # -- posting ----------------------------------------------------------------------------------------------
    async def enabled(self) -> list[TotdSettings]:
        """Settings of every enabled guild."""
        return await self.store.enabled_settings()


    async def run_due_now(
        self, post: PostCallback, *, post_timeout: float = POST_TIMEOUT, concurrency: int = CONCURRENT_POSTS
    ) -> list[PostOutcome]:
        """Post for every enabled guild that is due at the clock's current time; return what each attempt did.

        Idempotent: the ledger decides who posts, so calling it again in the same minute, or from another service
        on the same database, posts nothing twice. One guild's failure (bad settings, a raising ``post``, a
        database error on its row) is logged and never stops the others, and the call itself never raises an
        ``Exception``, so a loop driving it keeps running. Guilds are posted ``concurrency`` at a time.
        """
        try:
            settings = await self.enabled()
        except Exception:  # a loop calling this must survive a database hiccup; the next call tries again
            log.exception("totd: could not read the enabled servers; trying again on the next run")
            return []
        limit = asyncio.Semaphore(max(1, concurrency))

        async def guarded(item: TotdSettings) -> PostOutcome | None:
            async with limit:
                try:
                    return await self.attempt(item, post, post_timeout=post_timeout)
                except Exception:  # one guild must never block the others
                    log.exception("totd: guild %s: the post could not be processed", item.guild_id)
                    return None

        results = await asyncio.gather(*(guarded(item) for item in settings))
        return [r for r in results if r is not None]

    async def attempt(
        self, settings: TotdSettings, post: PostCallback, *, post_timeout: float = POST_TIMEOUT
    ) -> PostOutcome | None:
        """Post for one guild if it is due now and this process wins the row; None when nothing was to do."""
        now = self.clock()
        zone = zone_of(settings.tz)
        today = local_date_of(now, zone)
        if now.astimezone(UTC) < due_at(today, settings.post_time, zone).astimezone(UTC):
            return None
        record = await self.store.get_post(settings.guild_id, today)
        number = await self._take(settings, today, record, now)
        if number is None:
            return None
        return await self._deliver(settings, today, number, post, post_timeout)

    async def _take(self, settings: TotdSettings, today: date, record: PostRecord | None,
                    now: datetime) -> int | None:
        """Win the ledger row for ``today``; return its entry number, or None when this process must not post."""
        if record is None:
            numbers = entry_numbers(self.glossary)
            if not numbers:
                log.warning("totd: the glossary is empty; nothing to post for guild %s", settings.guild_id)
                return None
            state = rotation_state(numbers, settings.seed, await self.store.posts(settings.guild_id), today)
            entry, cycle = nth_pick(state, numbers, settings.seed, 0)
            won = await self.store.claim(settings.guild_id, today, entry, cycle, self.token, now)
            return entry if won else None
        if record.status == CLAIMED and record.claimed_at + CLAIM_STALE_AFTER <= now:
            if await self.store.retake(record, self.token, now):
                log.warning("totd: guild %s %s: took over a stale claim by %s", settings.guild_id, today,
                            record.claimed_by)
                return record.entry
            return None
        due_retry = record.retry_at is not None and record.retry_at <= now and record.attempts < MAX_ATTEMPTS
        if record.status == FAILED and due_retry and await self.store.retry(record, self.token, now):
            return record.entry
        return None

    async def _deliver(self, settings: TotdSettings, today: date, number: int, post: PostCallback,
                       post_timeout: float) -> PostOutcome | None:
        guild_id, channel_id = settings.guild_id, settings.channel_id
        entry = self.glossary.by_number(number)
        if entry is None:
            return await self._failed(settings, today, number, f"entry {number} is no longer in the glossary", False)
        if local_date_of(self.clock(), settings.tz) != today:
            return await self._failed(settings, today, number, "the local date ended before the post was sent", False)
        if not await self.store.mark_sending(guild_id, today, self.token, self.clock()):
            return PostOutcome(guild_id, today, number, "lost")
        try:
            message_id = await asyncio.wait_for(post(guild_id, channel_id, entry, today), post_timeout)
        except TotdDeliveryError as exc:
            return await self._failed(settings, today, number, exc.reason, not exc.permanent_for_today)
        except TimeoutError:
            error = f"no answer from Discord within {post_timeout:g} s"
            return await self._failed(settings, today, number, error, False)
        except Exception as exc:
            return await self._failed(settings, today, number, _describe(exc), False, exc=exc)
        await self.store.complete(guild_id, today, self.token, channel_id, int(message_id), self.clock())
        if settings.last_error is not None:
            await self.store.set_error(guild_id, None, None)
            log.info("totd: guild %s posts again (last error was: %s)", guild_id, settings.last_error)
        return PostOutcome(guild_id, today, number, SENT, message_id=int(message_id))

    async def _failed(self, settings: TotdSettings, today: date, number: int, error: str, transient: bool,
                      exc: BaseException | None = None) -> PostOutcome:
        """Record a failure on the ledger row and the settings; log it once (not again while it repeats)."""
        now = self.clock()
        record = await self.store.get_post(settings.guild_id, today)
        attempts = record.attempts if record else MAX_ATTEMPTS
        retry_at = now + RETRY_DELAYS[attempts - 1] if transient and attempts < MAX_ATTEMPTS else None
        await self.store.fail(settings.guild_id, today, self.token, channel_id=settings.channel_id, error=error,
                              retry_at=retry_at)
        await self.store.set_error(settings.guild_id, error, now)
        if error != settings.last_error:
            when = f"retrying at {retry_at.isoformat()}" if retry_at else "next try on the next day"
            log.warning("totd: guild %s channel %s %s: %s (%s)", settings.guild_id, settings.channel_id, today,
                        error, when, exc_info=exc)
        else:
            log.debug("totd: guild %s %s: same error again: %s", settings.guild_id, today, error)
        return PostOutcome(settings.guild_id, today, number, "retry" if retry_at else FAILED, error=error)
