"""Conversation context: the last term each conversation talked about, forgotten after an idle time.

In the bot a conversation is one user in one channel; in the console it is the session.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, utc_now
from bot.glossary.model import Entry

DEFAULT_IDLE = timedelta(minutes=10)


@dataclass(slots=True)
class _Turn:
    entry: Entry
    at: datetime


class ConversationStore:
    """Remembers the last answered entry per conversation key; bounded in size (least recently used go)."""

    def __init__(self, idle: timedelta = DEFAULT_IDLE, max_conversations: int = 50_000, clock: Clock = utc_now):
        self.idle = idle
        self.max_conversations = max_conversations
        self.clock = clock
        self._turns: OrderedDict[Hashable, _Turn] = OrderedDict()

    def current(self, key: Hashable) -> Entry | None:
        """The entry this conversation is about, or None when there is none or it went idle too long."""
        turn = self._turns.get(key)
        if turn is None:
            return None
        if self.clock() - turn.at > self.idle:
            del self._turns[key]
            return None
        return turn.entry

    def remember(self, key: Hashable, entry: Entry) -> None:
        """Record that the conversation is now about ``entry``."""
        self._turns[key] = _Turn(entry, self.clock())
        self._turns.move_to_end(key)
        while len(self._turns) > self.max_conversations:
            self._turns.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        """Drop a conversation's context."""
        self._turns.pop(key, None)

    def __len__(self) -> int:
        return len(self._turns)
