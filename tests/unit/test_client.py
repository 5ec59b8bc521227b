"""GlossaryBot is lifecycle only: its construction, its setup (services wired, cogs loaded, commands synced) and
its shutdown (cogs unloaded, lookups flushed, database closed), without a gateway."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from discord.ext import commands

from bot.client import EXTENSIONS, GlossaryBot, intents_for
from bot.config import Settings
from bot.discord_ui.items import DYNAMIC_ITEMS
from bot.discord_ui.replies import ReplyService
from bot.discord_ui.tree import GlossaryTree
from bot.glossary import Glossary
from bot.totd import TotdService


def test_intents_are_minimal() -> None:
    plain = intents_for(Settings())
    assert plain.guilds and plain.guild_messages and plain.dm_messages and not plain.message_content
    assert not plain.members and not plain.presences
    assert intents_for(Settings(message_content=True)).message_content


def test_construction() -> None:
    bot = GlossaryBot(Settings(owner_ids=frozenset({7})))
    assert isinstance(bot.tree, GlossaryTree)
    assert bot.owner_ids == {7} and bot.allowed_mentions is not None and bot.allowed_mentions.to_dict() == {"parse": []}
    assert GlossaryBot.on_message is commands.Bot.on_message  # text commands (the owner's sync) are processed
    for name in ("respond", "render", "log_lookup", "answer_entry_interaction", "rate_limiter", "totd"):
        assert not hasattr(bot, name), name


@pytest.fixture
async def started(tmp_path: Path, glossary: Glossary):  # type: ignore[no-untyped-def]
    bot = GlossaryBot(Settings(database_path=str(tmp_path / "db.sqlite3"), dev_guild_id=42), glossary=glossary)
    with mock.patch.object(bot.tree, "sync", mock.AsyncMock(return_value=[])) as sync:
        await bot._async_setup_hook()
        await bot.setup_hook()
        yield bot, sync
        await bot.close()


async def test_setup_wires_services_loads_cogs_and_syncs_once(started) -> None:  # type: ignore[no-untyped-def]
    bot, sync = started
    assert isinstance(bot.replies, ReplyService) and isinstance(bot.totd_service, TotdService)
    assert set(bot.extensions) == set(EXTENSIONS)
    assert {c.qualified_name for c in bot.tree.get_commands()} >= {"define", "ask", "browse", "glossary", "totd"}
    assert bot.get_command("sync") is not None
    assert bot.synced == "synced" and sync.await_count == 1
    assert await bot.sync_commands() == "unchanged" and sync.await_count == 1
    assert await bot.sync_commands(force=True) == "synced" and sync.await_count == 2
    await bot.sync_commands(force=True, everywhere=True)
    assert sync.await_args.kwargs == {"guild": None}
    assert set(bot._connection._view_store._dynamic_items.values()) == set(DYNAMIC_ITEMS)


async def test_close_unloads_cogs_and_closes_storage(started) -> None:  # type: ignore[no-untyped-def]
    bot, _ = started
    totd = bot.get_cog("TermOfTheDay")
    assert totd is not None and totd.post_due.is_running()  # type: ignore[attr-defined]
    await bot.close()
    await bot.close()  # twice is fine
    assert not bot.cogs and not totd.post_due.is_running()  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError):
        await bot.replies.ask("what is xss")
