"""Start the real GlossaryBot against the emulated Discord."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.client import GlossaryBot
from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.glossary import Glossary

from .fake_discord import FakeDiscord, FakeInteraction
from .fake_discord_commands import CommandNotInvocable
from .fake_discord_world import FakeUser

INTERACTION_RESPONSE_DEFERRED = 5
EPHEMERAL = 1 << 6
MANAGE_GUILD = 1 << 5


TOTD_POLL_SECONDS = 1.0


class FastGlossaryBot(GlossaryBot):
    """The production bot; only discord.py's 5 s pause before a re-IDENTIFY is skipped, and the term-of-the-day
    loop asks what is due every second instead of every 30 (so a test need not wait half a minute)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def setup_hook(self) -> None:
        """The production setup, then the faster TOTD poll."""
        await super().setup_hook()
        totd = self.get_cog("TermOfTheDay")  # loaded as an extension: its own module object, so no isinstance
        assert totd is not None
        totd.post_due.change_interval(seconds=TOTD_POLL_SECONDS)  # type: ignore[attr-defined]


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


async def reply_text(fd: FakeDiscord, interaction: FakeInteraction) -> str:
    """The text the user finally sees for an interaction: the response, or the message that replaced a defer."""
    await fd.wait_for_callback(interaction)
    if interaction.response_type == INTERACTION_RESPONSE_DEFERRED:
        message = await fd.wait_for_response_message(interaction)
        return str(message.get("content") or "")
    return str((interaction.response_data or {}).get("content") or "")


async def refused_for_lack_of_manage_server(
    fd: FakeDiscord, command: str, options: dict[str, Any], *, user: FakeUser | None = None
) -> bool:
    """Whether Discord refuses ``command`` to a member without Manage Server.

    The bot syncs ``/glossary`` with Manage Server as its default member permission, so Discord does not even
    deliver the interaction (the emulator enforces that as Discord does). A misspelled command or option is not a
    refusal: it raises as usual. The bot's own ``has_permissions`` check behind it is covered by the unit tests of
    the error handler.
    """
    try:
        await fd.send_slash_command(command, options, user=user or fd.user)
    except CommandNotInvocable as refused:
        return refused.reason == "missing_permissions" and bool(refused.missing & MANAGE_GUILD)
    return False
