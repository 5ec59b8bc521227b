"""Term of the day: rotation, schedule math, settings validation, and the scheduler that posts, without Discord.

Rotation
    Each guild has a seed (stored in ``totd_settings``; derived from the guild ID until then). Within cycle ``c``
    the entries are ordered by ``blake2b(key=seed, "c:entry")``. The term for a date is the first entry of the
    current cycle's order that the ledger (``totd_posts``) has not yet recorded as posted in that cycle; a cycle
    ends when every *current* entry has been posted, so added entries join the running cycle and removed ones are
    simply no longer waited for. Each ledger row stores the cycle it was picked in, so the state never depends on
    replaying history against today's glossary. A new cycle never starts with the entry that ended the last one.

Schedule
    A guild posts once per local date at its ``HH:MM`` in its IANA zone. A wall time that does not exist that day
    (spring forward) posts at the first minute that does; a repeated wall time (fall back) posts at its first
    occurrence, and the ledger's (guild, local date) key makes a second one impossible. A day whose time has passed
    while the bot was down is posted when it comes back, if it is still that local date; earlier days are not
    back-filled.

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
import contextlib
import hashlib
import logging
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.clock import Clock, utc_now
from bot.glossary.model import Entry, Glossary
from bot.storage.database import Database
from bot.storage.totd import CLAIMED, FAILED, SENDING, SENT, PostRecord, TotdSettings, TotdStore

log = logging.getLogger(__name__)

CLAIM_STALE_AFTER = timedelta(minutes=10)
"""A ``claimed`` row older than this belongs to a process that died before sending; it may be retaken."""
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=15))
"""Waits before the 2nd and 3rd attempt after a transient ``TotdDeliveryError`` (same local date only)."""
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
POST_TIMEOUT = 120.0
"""Seconds ``post`` may take; after that the outcome is unknown and the day is not retried."""
MAX_SLEEP = 3600.0
"""Longest single sleep, so a wall-clock jump or a suspended machine is noticed within the hour."""
RETRY_DELAY = 60.0
"""Sleep after the scheduler itself failed (database error) or when something due could not be taken."""

PostCallback = Callable[[int, int, Entry, date], Awaitable[int]]
Sleep = Callable[[float], Awaitable[object]]


class TotdDeliveryError(Exception):
    """Raised by the ``post`` callback when the message was certainly not sent (deleted channel, no permission).

    ``permanent_for_today``: True when retrying today is pointless (the scheduler tries again the next day);
    False for a transient failure, retried a few times later the same day.
    """

    def __init__(self, reason: str, permanent_for_today: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent_for_today = permanent_for_today


# -- settings validation and time zone search ----------------------------------------------------------------
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_CANONICAL_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Asia/Shanghai",
    "Asia/Singapore", "Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg",
)


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


# -- schedule math -------------------------------------------------------------------------------------------
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


def next_due(now: datetime, post_time: str | time, tz: str | ZoneInfo) -> datetime:
    """The first due instant at or after ``now`` (today's if it has not passed, else tomorrow's), in ``tz``."""
    if now.tzinfo is None:
        raise ValueError("next_due needs a timezone-aware 'now'")
    today = local_date_of(now, tz)
    due = due_at(today, post_time, tz)
    if due.astimezone(UTC) >= now.astimezone(UTC):
        return due
    return due_at(today + timedelta(days=1), post_time, tz)


# -- rotation ------------------------------------------------------------------------------------------------
def seed_for_guild(guild_id: int) -> int:
    """The default rotation seed of a guild: a stable 63-bit hash of its ID (so predictions work offline)."""
    digest = hashlib.blake2b(f"cyberglossary-totd:{guild_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & (2**63 - 1)


def cycle_order(numbers: Iterable[int], seed: int, cycle: int) -> list[int]:
    """Entry numbers in the order cycle ``cycle`` of a guild with ``seed`` shows them."""
    return list(_cycle_order(tuple(sorted(set(numbers))), seed, cycle))


@lru_cache(maxsize=256)
def _cycle_order(numbers: tuple[int, ...], seed: int, cycle: int) -> tuple[int, ...]:
    key = (seed & (2**64 - 1)).to_bytes(8, "big")

    def rank(number: int) -> tuple[bytes, int]:
        return hashlib.blake2b(f"{cycle}:{number}".encode(), key=key, digest_size=8).digest(), number

    return tuple(sorted(numbers, key=rank))


@dataclass(frozen=True, slots=True)
class RotationState:
    """Where a guild's rotation stands: the running cycle, what it still has to show, and the last shown entry."""

    cycle: int
    remaining: tuple[int, ...]
    previous: int | None


@dataclass(frozen=True, slots=True)
class Prediction:
    """The term of one guild on one date: recorded in the ledger (``status`` is the row's) or ``predicted``."""

    local_date: date
    entry: int
    cycle: int
    status: str
    record: PostRecord | None = None

    @property
    def recorded(self) -> bool:
        """Whether the ledger has a row for the date."""
        return self.record is not None


def counts_as_posted(record: PostRecord, today: date) -> bool:
    """Whether a ledger row uses up its entry in its cycle.

    ``sent`` and ``sending`` (maybe sent) do; ``claimed`` does while it can still be sent (today or later);
    ``failed`` never does, so a term that could not be delivered is offered again the next day.
    """
    if record.status in (SENT, SENDING):
        return True
    return record.status == CLAIMED and record.local_date >= today


def _remaining(order: list[int], posted: set[int], previous: int | None) -> tuple[int, ...]:
    remaining = [n for n in order if n not in posted]
    if len(remaining) == len(order) and len(remaining) > 1 and remaining[0] == previous:
        remaining[0], remaining[1] = remaining[1], remaining[0]
    return tuple(remaining)


def rotation_state(numbers: Sequence[int], seed: int, history: Iterable[PostRecord], today: date) -> RotationState:
    """The rotation state after ``history`` (ledger rows), judged against the current entry ``numbers``."""
    counted = sorted((r for r in history if counts_as_posted(r, today)), key=lambda r: r.local_date)
    cycle = max((r.cycle for r in counted), default=0)
    previous = counted[-1].entry if counted else None
    posted = {r.entry for r in counted if r.cycle == cycle}
    remaining = _remaining(cycle_order(numbers, seed, cycle), posted, previous)
    if not remaining and numbers:
        cycle += 1
        remaining = _remaining(cycle_order(numbers, seed, cycle), set(), previous)
    return RotationState(cycle, remaining, previous)


def nth_pick(state: RotationState, numbers: Sequence[int], seed: int, k: int) -> tuple[int, int]:
    """The (entry, cycle) of the ``k``-th post from ``state`` on (0 = the next one), assuming every day posts."""
    if not numbers:
        raise ValueError("the glossary has no entries")
    if k < len(state.remaining):
        return state.remaining[k], state.cycle
    k -= len(state.remaining)
    previous = state.remaining[-1] if state.remaining else state.previous
    cycle = state.cycle + 1
    full, k = divmod(k, len(set(numbers)))
    if full:
        first = _remaining(cycle_order(numbers, seed, cycle), set(), previous)
        if full == 1 or len(first) <= 2:
            previous = first[-1]  # with one or two entries every later full cycle ends the same way
        else:
            previous = cycle_order(numbers, seed, cycle + full - 1)[-1]  # swapping 0 and 1 never moves the last
        cycle += full
    return _remaining(cycle_order(numbers, seed, cycle), set(), previous)[k], cycle


def predict(
    numbers: Sequence[int], seed: int, history: Sequence[PostRecord], target: date, today: date
) -> Prediction | None:
    """Pure prediction: the entry a guild gets on ``target``, given its ledger rows and its local ``today``.

    A date with a ledger row returns that row's entry. A past date without one returns None (no back-fill).
    A future date assumes that every date from ``today`` on without a row gets its post.
    """
    for record in history:
        if record.local_date == target:
            return Prediction(target, record.entry, record.cycle, record.status, record)
    if target < today or not numbers:
        return None
    recorded_between = {r.local_date for r in history if today <= r.local_date < target}
    skipped = (target - today).days - len(recorded_between)
    earlier = [r for r in history if r.local_date < target]
    state = rotation_state(numbers, seed, earlier, today)
    entry, cycle = nth_pick(state, numbers, seed, skipped)
    return Prediction(target, entry, cycle, "predicted")


def entry_numbers(glossary: Glossary) -> tuple[int, ...]:
    """The glossary's entry numbers in ascending order."""
    return tuple(e.entry for e in glossary)


# -- status --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LastPost:
    """The latest ledger row of a guild."""

    local_date: date
    entry: int
    term: str | None
    status: str
    error: str | None
    channel_id: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class TotdStatus:
    """What ``/totd status`` shows. ``next_post`` is aware, in the guild's zone; None when switched off."""

    guild_id: int
    enabled: bool
    channel_id: int | None
    time: str | None
    tz: str | None
    next_post: datetime | None
    next_entry: Entry | None
    last_post: LastPost | None
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What one attempt to post did: ``sent``, ``failed`` (done for the day), ``retry`` (later today) or
    ``lost`` (another process took the row first)."""

    guild_id: int
    local_date: date
    entry: int
    status: str
    message_id: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    action: str  # "claim", "retake" or "retry"
    at: datetime  # UTC


def _plan(settings: TotdSettings, record: PostRecord | None, now: datetime) -> _Plan:
    """When a guild next needs the scheduler, given the ledger row of its current local date."""
    zone = zone_of(settings.tz)
    today = local_date_of(now, zone)
    tomorrow = _Plan("claim", due_at(today + timedelta(days=1), settings.post_time, zone).astimezone(UTC))
    if record is None:
        return _Plan("claim", due_at(today, settings.post_time, zone).astimezone(UTC))
    if record.status == CLAIMED:
        at = record.claimed_at + CLAIM_STALE_AFTER
        return _Plan("retake", at.astimezone(UTC)) if local_date_of(at, zone) == today else tomorrow
    if record.status == FAILED and record.retry_at is not None and record.attempts < MAX_ATTEMPTS:
        at = record.retry_at
        return _Plan("retry", at.astimezone(UTC)) if local_date_of(at, zone) == today else tomorrow
    return tomorrow


def _process_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class TotdService:
    """Settings, status, predictions and single post attempts over one database; no timing of its own."""

    def __init__(
        self, db: Database, glossary: Glossary, *, clock: Clock = utc_now, token: str | None = None
    ) -> None:
        self.store = TotdStore(db)
        self.glossary = glossary
        self.clock = clock
        self.token = token or _process_token()
        self._listeners: list[Callable[[], None]] = []

    # -- admin settings ---------------------------------------------------------------------------------------
    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every settings change (the scheduler uses this to wake up)."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        for callback in self._listeners:
            callback()

    async def set(self, guild_id: int, channel_id: int, post_time: str, tz: str) -> TotdStatus:
        """Switch the term of the day on for a guild. Raises ``ValueError`` with a user-facing message."""
        normalised_time = parse_post_time(post_time)
        zone = validate_timezone(tz)
        existing = await self.store.get_settings(guild_id)
        seed = existing.seed if existing else seed_for_guild(guild_id)
        await self.store.save_settings(guild_id, channel_id, normalised_time, zone, seed, self.clock())
        self._changed()
        return await self.status(guild_id)

    async def off(self, guild_id: int) -> bool:
        """Switch the term of the day off (settings and history are kept); False when it was not on."""
        changed = await self.store.disable(guild_id, self.clock())
        if changed:
            self._changed()
        return changed

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
        at = max(_plan(settings, record, now).at, now.astimezone(UTC)).astimezone(zone)
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

    async def next_wake(self, settings: Sequence[TotdSettings] | None = None) -> datetime | None:
        """The earliest instant (UTC) at which any enabled guild needs the scheduler; None when none is on."""
        now = self.clock()
        wake = None
        for item in await self.enabled() if settings is None else settings:
            try:
                record = await self.store.get_post(item.guild_id, local_date_of(now, item.tz))
                at = _plan(item, record, now).at
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("totd: guild %s has unusable settings (%s, %s)", item.guild_id, item.post_time, item.tz)
                continue
            wake = at if wake is None else min(wake, at)
        return wake

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


class TotdScheduler:
    """Sleeps until the next due post across all guilds, posts, and repeats; wakes early on settings changes."""

    def __init__(
        self,
        service: TotdService,
        post: PostCallback,
        *,
        sleep: Sleep = asyncio.sleep,
        max_sleep: float = MAX_SLEEP,
        retry_delay: float = RETRY_DELAY,
        post_timeout: float = POST_TIMEOUT,
        concurrency: int = 5,
    ) -> None:
        self.service = service
        self.post = post
        self._sleep = sleep
        self.max_sleep = max_sleep
        self.retry_delay = retry_delay
        self.post_timeout = post_timeout
        self._limit = asyncio.Semaphore(concurrency)
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        service.add_listener(self.notify_settings_changed)

    @property
    def running(self) -> bool:
        """Whether the loop task is alive."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the loop in a task (no-op when already running)."""
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="totd-scheduler")

    async def stop(self) -> None:
        """Cancel the loop and wait for it to finish."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def notify_settings_changed(self) -> None:
        """Wake the loop so it recomputes the next due time."""
        self._changed.set()

    async def run_due_now(self) -> list[PostOutcome]:
        """Attempt every guild that is due at the clock's current time; one guild's failure never stops others."""
        settings = await self.service.enabled()
        results = await asyncio.gather(*(self._guarded(item) for item in settings))
        return [r for r in results if r is not None]

    async def _guarded(self, settings: TotdSettings) -> PostOutcome | None:
        async with self._limit:
            try:
                return await self.service.attempt(settings, self.post, post_timeout=self.post_timeout)
            except Exception:
                log.exception("totd: guild %s: the scheduler could not process the post", settings.guild_id)
                return None

    async def next_delay(self, attempted: bool = True) -> float:
        """Seconds to sleep before the next due post (capped at ``max_sleep``)."""
        wake = await self.service.next_wake()
        if wake is None:
            return self.max_sleep
        delay = (wake - self.service.clock().astimezone(UTC)).total_seconds()
        if delay <= 0:
            return 0.0 if attempted else self.retry_delay  # due but not takeable now: do not spin
        return min(delay, self.max_sleep)

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            try:
                outcomes = await self.run_due_now()
                delay = await self.next_delay(attempted=bool(outcomes))
            except Exception:
                log.exception("totd: scheduler pass failed; retrying in %.0f s", self.retry_delay)
                delay = self.retry_delay
            await self._wait(delay)

    async def _wait(self, delay: float) -> None:
        if self._changed.is_set():
            return
        if delay <= 0:
            await asyncio.sleep(0)
            return
        sleeper = asyncio.ensure_future(self._sleep(delay))
        waiter = asyncio.ensure_future(self._changed.wait())
        try:
            await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waiter):
                task.cancel()
            await asyncio.gather(sleeper, waiter, return_exceptions=True)


# -- the ``cyberglossary totd`` command's helpers ----------------------------------------------------------------
async def term_of_day(
    glossary: Glossary, guild_id: int, target: date | None, *, database: str | None = None, clock: Clock = utc_now
) -> Prediction | None:
    """The term a guild gets on ``target`` (default: its today): from the database's settings and history when
    ``database`` is given, else offline with the seed derived from the guild ID, in UTC."""
    if database is None:
        today = local_date_of(clock(), "UTC")
        return predict(entry_numbers(glossary), seed_for_guild(guild_id), [], target or today, today)
    db = await Database.open(database)
    try:
        return await TotdService(db, glossary, clock=clock, token="cli").term_for(guild_id, target)
    finally:
        await db.close()


_STATUS_TEXT = {"predicted": "predicted", SENT: "posted", CLAIMED: "being posted", SENDING: "being posted"}


def format_prediction(prediction: Prediction | None, glossary: Glossary, guild_id: int, target: date | None) -> str:
    """Console text for a prediction: a head line with term, entry, category and status, then the definition."""
    if prediction is None:
        when = target.isoformat() if target else "today"
        return f"{when} (server {guild_id}): no term of the day was posted on that date"
    how = _STATUS_TEXT.get(prediction.status)
    if how is None:
        error = prediction.record.error if prediction.record else None
        how = f"not delivered: {error}" if error else prediction.status
    head = f"{prediction.local_date.isoformat()} (server {guild_id}):"
    entry = glossary.by_number(prediction.entry)
    if entry is None:
        return f"{head} entry {prediction.entry} (no longer in the glossary) [{how}]"
    return f"{head} {entry.term} ({entry.label}, {entry.category}) [{how}]\n  {entry.definition}"
