"""The per-user limit on chat answers: discord.py's ``CooldownMapping``, plus one polite notice per window.

Over the limit the first message gets ``notify`` (the cog sends a "please wait N seconds" notice), the rest get
``silent`` until the window is over, so a limited user never gets a stream of notices.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import discord
from discord.ext import commands

from bot.clock import Clock, utc_now

Verdict = Literal["ok", "notify", "silent"]


class Hit(NamedTuple):
    """What to do with one chat message, and (when limited) how many seconds until the user may ask again."""

    verdict: Verdict
    retry_after: float = 0.0


class ChatCooldown:
    """``count`` answers per ``per`` seconds and user (RATE_LIMIT_COUNT / RATE_LIMIT_SECONDS)."""

    def __init__(self, count: int, per: float, *, clock: Clock = utc_now) -> None:
        self.clock = clock
        self._mapping: commands.CooldownMapping[discord.Message] = commands.CooldownMapping.from_cooldown(
            count, per, commands.BucketType.user
        )
        self._notified_until: dict[int, float] = {}

    def hit(self, message: discord.Message) -> Hit:
        """Count the message against its author and say whether to answer, to send the notice, or to stay silent."""
        now = self.clock().timestamp()
        retry_after = self._mapping.update_rate_limit(message, now)
        if retry_after is None:
            return Hit("ok")
        user_id = message.author.id
        if self._notified_until.get(user_id, 0.0) > now:
            return Hit("silent", retry_after)
        self._forget_expired(now)
        self._notified_until[user_id] = now + retry_after
        return Hit("notify", retry_after)

    def _forget_expired(self, now: float) -> None:
        for user_id in [u for u, until in self._notified_until.items() if until <= now]:
            del self._notified_until[user_id]
