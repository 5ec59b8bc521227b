"""Per-user rate limit for chat answers: a sliding window, with a polite notice shown once per window."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from datetime import timedelta
from typing import Literal

from bot.clock import Clock, utc_now

Verdict = Literal["ok", "notify", "silent"]


class RateLimiter:
    """Allows ``count`` hits per ``per`` seconds and key. Over the limit the first hit says ``notify``, the
    rest ``silent`` until the window has room again, so a limited user never gets a stream of notices."""

    def __init__(self, count: int = 5, per: float = 30.0, clock: Clock = utc_now, max_keys: int = 100_000) -> None:
        self.count = count
        self.per = timedelta(seconds=per)
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[Hashable, deque] = {}
        self._notified: set[Hashable] = set()

    def hit(self, key: Hashable) -> Verdict:
        """Record an attempt and say whether to answer, to send the notice, or to stay silent."""
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._evict(now)
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) < self.count:
            hits.append(now)
            self._notified.discard(key)
            return "ok"
        if key in self._notified:
            return "silent"
        self._notified.add(key)
        return "notify"

    def retry_after(self, key: Hashable) -> float:
        """Seconds until the key may ask again."""
        hits = self._hits.get(key)
        if not hits or len(hits) < self.count:
            return 0.0
        return max(0.0, (hits[0] + self.per - self.clock()).total_seconds())

    def _evict(self, now) -> None:
        stale = [k for k, h in self._hits.items() if not h or now - h[-1] >= self.per]
        for k in stale:
            self._hits.pop(k, None)
            self._notified.discard(k)
