"""Log console lookups (``cyberglossary chat/ask/define``) to the same lookup log as the bot."""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import utc_now
from bot.engine.answers import Answer
from bot.storage.database import Database
from bot.storage.lookups import LookupLog, LookupRecord


async def log_answers(database_path: str, answers: Sequence[Answer], *, source: str) -> int:
    """Write the console's answers as lookups; return how many rows were written."""
    db = await Database.open(database_path)
    try:
        log = LookupLog(db)
        now = utc_now()
        for answer in answers:
            log.record(LookupRecord.of(answer, at=now, source=source))
        return await log.flush()
    finally:
        await db.close()
