"""Start the real GlossaryBot against the emulated Discord."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from bot.client import GlossaryBot
from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.glossary import Glossary

from .fake_discord import FakeDiscord


class FastGlossaryBot(GlossaryBot):
    """The production bot; only discord.py's 5 s pause before a re-IDENTIFY is skipped."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


def settings_for(fd: FakeDiscord, tmp_path: Path, **changes: object) -> Settings:
    """Settings pointing at the fake: its token, a temp database, its guild as the development guild."""
    base = Settings(
        discord_token=fd.token,
        database_path=str(tmp_path / "lookups.sqlite3"),
        dev_guild_id=fd.guild.id,
        owner_ids=frozenset({fd.owner.id}),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running_bot(
    fd: FakeDiscord, settings: Settings, glossary: Glossary, clock: Clock = utc_now
) -> AsyncIterator[GlossaryBot]:
    """Run the bot until the block ends; then it closes (flushing its lookup log)."""
    bot = FastGlossaryBot(settings, glossary=glossary, clock=clock, guild_ready_timeout=0.1)
    async with fd.run_client(bot):
        yield bot
