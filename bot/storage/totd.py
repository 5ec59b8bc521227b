"""Term-of-the-day persistence: per-guild settings and the one-row-per-(guild, local date) post ledger.

Every write that decides who posts is a compare-and-set: an ``INSERT ... ON CONFLICT DO NOTHING`` or an
``UPDATE ... WHERE`` on the exact state that was read, and the caller checks the changed-row count. Times are
stored as ISO 8601 UTC text; dates as ``YYYY-MM-DD`` in the guild's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.storage.database import Database

CLAIMED = "claimed"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"


def _ts(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the totd store")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TotdSettings:
    """One guild's term-of-the-day configuration as stored."""

    guild_id: int
    channel_id: int
    post_time: str
    tz: str
    enabled: bool
    seed: int
    last_error: str | None
    last_error_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PostRecord:
    """One row of the post ledger: what a guild got (or was to get) on one local date."""

    guild_id: int
    local_date: date
    entry: int
    cycle: int
    status: str
    claimed_by: str
    claimed_at: datetime
    attempts: int = 1
    retry_at: datetime | None = None
    sent_at: datetime | None = None
    channel_id: int | None = None
    message_id: int | None = None
    error: str | None = None


def _settings(row: tuple[Any, ...]) -> TotdSettings:
    return TotdSettings(
        guild_id=int(row[0]),
        channel_id=int(row[1]),
        post_time=str(row[2]),
        tz=str(row[3]),
        enabled=bool(row[4]),
        seed=int(row[5]),
        last_error=row[6],
        last_error_at=_parse_ts(row[7]),
        updated_at=_parse_ts(row[8]) or datetime.min.replace(tzinfo=UTC),
    )


def _post(row: tuple[Any, ...]) -> PostRecord:
    return PostRecord(
        guild_id=int(row[0]),
        local_date=date.fromisoformat(row[1]),
        entry=int(row[2]),
        cycle=int(row[3]),
        status=str(row[4]),
        claimed_by=str(row[5]),
        claimed_at=_parse_ts(row[6]) or datetime.min.replace(tzinfo=UTC),
        attempts=int(row[7]),
        retry_at=_parse_ts(row[8]),
        sent_at=_parse_ts(row[9]),
        channel_id=None if row[10] is None else int(row[10]),
        message_id=None if row[11] is None else int(row[11]),
        error=row[12],
    )


class TotdStore:
    """All SQL for the term of the day. Each method is one parameterised statement, committed at once.

    ``Database`` runs the statements of everything sharing its connection one at a time and rolls a failed
    write back (see its docstring), which the claim protocol relies on when two processes share one file.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _execute(self, sql: str, params: Sequence[Any]) -> int:
        return await self.db.execute(sql, params)

    async def _fetchone(self, sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
        return await self.db.fetchone(sql, params)

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return await self.db.fetchall(sql, params)

    # -- settings ---------------------------------------------------------------------------------------------
    async def get_settings(self, guild_id: int) -> TotdSettings | None:
        """The guild's settings row, or None when it never configured the term of the day."""
        row = await self._fetchone(
            "SELECT guild_id, channel_id, post_time, tz, enabled, seed, last_error, last_error_at, updated_at "
            "FROM totd_settings WHERE guild_id = ?",
            (guild_id,),
        )
        return _settings(row) if row else None

    async def enabled_settings(self) -> list[TotdSettings]:
        """Settings of every guild with the term of the day switched on."""
        rows = await self._fetchall(
            "SELECT guild_id, channel_id, post_time, tz, enabled, seed, last_error, last_error_at, updated_at "
            "FROM totd_settings WHERE enabled = 1 ORDER BY guild_id"
        )
        return [_settings(r) for r in rows]

    async def save_settings(
        self, guild_id: int, channel_id: int, post_time: str, tz: str, seed: int, now: datetime
    ) -> None:
        """Create or update the guild's settings and switch it on; keeps an existing seed; clears the last error."""
        await self._execute(
            "INSERT INTO totd_settings (guild_id, channel_id, post_time, tz, enabled, seed, updated_at) "
            "VALUES (?, ?, ?, ?, 1, ?, ?) "
            "ON CONFLICT(guild_id) DO UPDATE SET channel_id = excluded.channel_id, post_time = excluded.post_time, "
            "tz = excluded.tz, enabled = 1, last_error = NULL, last_error_at = NULL, updated_at = excluded.updated_at",
            (guild_id, channel_id, post_time, tz, seed, _ts(now)),
        )

    async def disable(self, guild_id: int, now: datetime) -> bool:
        """Switch the guild off; False when it was not on."""
        changed = await self._execute(
            "UPDATE totd_settings SET enabled = 0, updated_at = ? WHERE guild_id = ? AND enabled = 1",
            (_ts(now), guild_id),
        )
        return changed > 0

    async def set_error(self, guild_id: int, error: str | None, now: datetime | None) -> None:
        """Record (or with None clear) the guild's last delivery error."""
        await self._execute(
            "UPDATE totd_settings SET last_error = ?, last_error_at = ? WHERE guild_id = ?",
            (error, None if now is None or error is None else _ts(now), guild_id),
        )

    # -- post ledger ------------------------------------------------------------------------------------------
    async def get_post(self, guild_id: int, local_date: date) -> PostRecord | None:
        """The ledger row of one guild and local date."""
        row = await self._fetchone(
            "SELECT guild_id, local_date, entry, cycle, status, claimed_by, claimed_at, attempts, retry_at, sent_at, "
            "channel_id, message_id, error FROM totd_posts WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date.isoformat()),
        )
        return _post(row) if row else None

    async def posts(self, guild_id: int) -> list[PostRecord]:
        """Every ledger row of the guild, oldest date first (the rotation's history)."""
        rows = await self._fetchall(
            "SELECT guild_id, local_date, entry, cycle, status, claimed_by, claimed_at, attempts, retry_at, sent_at, "
            "channel_id, message_id, error FROM totd_posts WHERE guild_id = ? ORDER BY local_date",
            (guild_id,),
        )
        return [_post(r) for r in rows]

    async def last_post(self, guild_id: int) -> PostRecord | None:
        """The ledger row with the latest date, whatever its status."""
        row = await self._fetchone(
            "SELECT guild_id, local_date, entry, cycle, status, claimed_by, claimed_at, attempts, retry_at, sent_at, "
            "channel_id, message_id, error FROM totd_posts WHERE guild_id = ? ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return _post(row) if row else None

    async def claim(
        self, guild_id: int, local_date: date, entry: int, cycle: int, token: str, now: datetime
    ) -> bool:
        """Insert the row for (guild, date) as claimed by ``token``; False when any row for it already exists."""
        changed = await self._execute(
            "INSERT INTO totd_posts (guild_id, local_date, entry, cycle, status, claimed_by, claimed_at, attempts) "
            "VALUES (?, ?, ?, ?, 'claimed', ?, ?, 1) ON CONFLICT(guild_id, local_date) DO NOTHING",
            (guild_id, local_date.isoformat(), entry, cycle, token, _ts(now)),
        )
        return changed == 1

    async def retake(self, record: PostRecord, token: str, now: datetime) -> bool:
        """Take over a stale claim; succeeds only if the row is still exactly the claim that was read."""
        changed = await self._execute(
            "UPDATE totd_posts SET claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "WHERE guild_id = ? AND local_date = ? AND status = 'claimed' AND claimed_by = ? AND claimed_at = ?",
            (token, _ts(now), record.guild_id, record.local_date.isoformat(), record.claimed_by,
             _ts(record.claimed_at)),
        )
        return changed == 1

    async def retry(self, record: PostRecord, token: str, now: datetime) -> bool:
        """Claim a row that failed with a retry allowed; succeeds only if nobody retried it since it was read."""
        changed = await self._execute(
            "UPDATE totd_posts SET status = 'claimed', claimed_by = ?, claimed_at = ?, attempts = attempts + 1, "
            "retry_at = NULL, error = NULL "
            "WHERE guild_id = ? AND local_date = ? AND status = 'failed' AND retry_at IS NOT NULL AND attempts = ?",
            (token, _ts(now), record.guild_id, record.local_date.isoformat(), record.attempts),
        )
        return changed == 1

    async def mark_sending(self, guild_id: int, local_date: date, token: str, now: datetime) -> bool:
        """claimed -> sending, only for the holder of the claim. After this nobody may ever send for the date."""
        changed = await self._execute(
            "UPDATE totd_posts SET status = 'sending', claimed_at = ? "
            "WHERE guild_id = ? AND local_date = ? AND status = 'claimed' AND claimed_by = ?",
            (_ts(now), guild_id, local_date.isoformat(), token),
        )
        return changed == 1

    async def complete(
        self, guild_id: int, local_date: date, token: str, channel_id: int, message_id: int, now: datetime
    ) -> bool:
        """sending -> sent with the message reference."""
        changed = await self._execute(
            "UPDATE totd_posts SET status = 'sent', sent_at = ?, channel_id = ?, message_id = ?, error = NULL "
            "WHERE guild_id = ? AND local_date = ? AND status = 'sending' AND claimed_by = ?",
            (_ts(now), channel_id, message_id, guild_id, local_date.isoformat(), token),
        )
        return changed == 1

    async def fail(
        self,
        guild_id: int,
        local_date: date,
        token: str,
        *,
        channel_id: int | None,
        error: str,
        retry_at: datetime | None,
    ) -> bool:
        """claimed/sending -> failed with the reason; ``retry_at`` set means it may be claimed again from then."""
        changed = await self._execute(
            "UPDATE totd_posts SET status = 'failed', error = ?, retry_at = ?, channel_id = ? "
            "WHERE guild_id = ? AND local_date = ? AND status IN ('claimed', 'sending') AND claimed_by = ?",
            (error, None if retry_at is None else _ts(retry_at), channel_id, guild_id, local_date.isoformat(), token),
        )
        return changed == 1
