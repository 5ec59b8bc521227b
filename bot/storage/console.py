"""The console's lookup log: ``cyberglossary chat/ask/define`` answers, written to the same log as the bot's.

The console is synchronous, so ``ConsoleLookupLog`` queues answers and writes each batch with its own short
event loop. It needs only what ``bot.storage.lookups.AnswerLike`` describes, so storage never imports the engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bot.clock import Clock, utc_now
from bot.storage.database import Database
from bot.storage.lookups import AnswerLike, LookupLog, LookupRecord


async def log_answers(
    database_path: str, answers: Sequence[AnswerLike], *, source: str, clock: Clock = utc_now
) -> int:
    """Write the console's answers as lookups; return how many rows were written."""
    db = await Database.open(database_path)
    try:
        log = LookupLog(db)
        now = clock()
        for answer in answers:
            log.record(LookupRecord.of(answer, at=now, source=source))
        return await log.flush()
    finally:
        await db.close()


class ConsoleLookupLog:
    """Queues console answers and writes them every ``BATCH`` answers and on ``flush``.

    ``path`` None means logging is off. A failed write is reported once through ``on_failure`` (the answers were
    already given, so it must not turn into a traceback) and switches logging off for the rest of the session.
    """

    BATCH = 50

    def __init__(
        self,
        path: str | None,
        source: str,
        *,
        on_failure: Callable[[str], None] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.path = path or None
        self.source = source
        self.on_failure = on_failure
        self.clock = clock
        self.pending: list[AnswerLike] = []
        self.written = 0

    def add(self, answer: AnswerLike) -> None:
        """Queue one answer; write the batch when it is full."""
        if self.path is None:
            return
        self.pending.append(answer)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is queued."""
        if self.path is None or not self.pending:
            return
        answers, self.pending = self.pending, []
        try:
            self.written += asyncio.run(log_answers(self.path, answers, source=self.source, clock=self.clock))
        except Exception as exc:  # any storage failure: report it once, keep answering
            self.path = None
            if self.on_failure is not None:
                self.on_failure(f"{len(answers)} lookup(s) not logged: {exc}")
