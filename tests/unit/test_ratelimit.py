"""Per-user rate limit with a notice shown once."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.ratelimit import RateLimiter


def test_limit_notice_once_then_silent_then_recovers() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(count=5, per=30, clock=clock)
    assert [limiter.hit("u") for _ in range(5)] == ["ok"] * 5
    assert limiter.hit("u") == "notify"
    assert limiter.hit("u") == "silent" and limiter.hit("u") == "silent"
    assert limiter.hit("other") == "ok"
    assert 0 < limiter.retry_after("u") <= 30
    clock.advance(30)
    assert limiter.hit("u") == "ok"
    assert [limiter.hit("u") for _ in range(4)] == ["ok"] * 4
    assert limiter.hit("u") == "notify"  # a new window may notify again, once


def test_memory_is_bounded() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = RateLimiter(count=1, per=1, clock=clock, max_keys=100)
    for i in range(100):
        limiter.hit(i)
    clock.advance(2)
    limiter.hit("new")
    assert len(limiter._hits) <= 100
