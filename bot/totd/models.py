"""What the term-of-the-day service hands out and takes in: status DTOs, post outcomes, the ``post`` callback."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.glossary.model import Entry

PostCallback = Callable[[int, int, Entry, date], Awaitable[int]]
"""``async post(guild_id, channel_id, entry, local_date) -> message_id``: sends the day's post."""


class TotdDeliveryError(Exception):
    """Raised by the ``post`` callback when the message was certainly not sent (deleted channel, no permission).

    ``permanent_for_today``: True when retrying today is pointless (the service tries again the next day);
    False for a transient failure, retried a few times later the same day.
    """

    def __init__(self, reason: str, permanent_for_today: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent_for_today = permanent_for_today


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
