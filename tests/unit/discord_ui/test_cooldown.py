"""The chat limit: discord.py's CooldownMapping per user, with one notice per window."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.clock import ManualClock
from bot.discord_ui.cooldown import ChatCooldown

from .mocks import START


def by(user_id: int) -> Any:
    return SimpleNamespace(author=SimpleNamespace(id=user_id))


def test_limit_notice_once_then_silent_then_recovers() -> None:
    clock = ManualClock(START)
    cooldown = ChatCooldown(5, 30, clock=clock)
    assert [cooldown.hit(by(1)).verdict for _ in range(5)] == ["ok"] * 5
    notice = cooldown.hit(by(1))
    assert notice.verdict == "notify" and 0 < notice.retry_after <= 30
    assert cooldown.hit(by(1)).verdict == "silent" and cooldown.hit(by(1)).verdict == "silent"
    assert cooldown.hit(by(2)).verdict == "ok"  # per user
    clock.advance(31)
    assert [cooldown.hit(by(1)).verdict for _ in range(5)] == ["ok"] * 5
    assert cooldown.hit(by(1)).verdict == "notify"  # a new window may notify again, once


def test_retry_after_counts_down_with_the_clock() -> None:
    clock = ManualClock(START)
    cooldown = ChatCooldown(1, 60, clock=clock)
    cooldown.hit(by(1))
    clock.advance(20)
    assert abs(cooldown.hit(by(1)).retry_after - 40) < 1e-6


def test_notice_memory_forgets_expired_users() -> None:
    clock = ManualClock(START)
    cooldown = ChatCooldown(1, 1, clock=clock)
    for user in range(100):
        cooldown.hit(by(user))
        cooldown.hit(by(user))
    clock.advance(5)
    cooldown.hit(by(1000))
    cooldown.hit(by(1000))
    assert len(cooldown._notified_until) == 1
