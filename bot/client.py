"""The ``commands.Bot`` subclass, lifecycle only: open the database, load the glossary, wire the shared
services, load the cogs, sync commands; on close stop the cogs, then flush the lookup log and close the database.

Replying and logging a lookup is ``bot.discord_ui.replies.ReplyService`` (``bot.replies``); the daily term is
``bot.totd.TotdService`` (``bot.totd_service``) driven by the TOTD cog; slash-command errors go through
``bot.discord_ui.tree.GlossaryTree``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from datetime import timedelta

import discord
from discord.ext import commands

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.discord_ui.items import DYNAMIC_ITEMS
from bot.discord_ui.replies import ReplyService
from bot.discord_ui.tree import GlossaryTree
from bot.engine import GlossaryEngine
from bot.glossary.loader import load_glossary
from bot.glossary.model import Glossary
from bot.render.discord import NO_MENTIONS
from bot.storage.database import Database
from bot.storage.lookups import LookupLog, prune
from bot.storage.settings import SettingsStore
from bot.totd import TotdService

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.define", "cogs.ask", "cogs.admin", "cogs.totd")


def intents_for(settings: Settings) -> discord.Intents:
    """The gateway intents the bot needs: guilds, guild and DM messages, message content only when configured."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content
    return intents


class GlossaryBot(commands.Bot):
    """CyberGlossary's Discord client."""

    glossary: Glossary
    engine: GlossaryEngine
    db: Database
    store: SettingsStore
    lookups: LookupLog
    replies: ReplyService
    totd_service: TotdService
    tree: GlossaryTree  # type: ignore[assignment]

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        glossary: Glossary | None = None,
        **options: object,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # text commands (the owner's "@bot sync") need a mention
            intents=intents_for(settings),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            owner_ids=set(settings.owner_ids) or None,
            tree_cls=GlossaryTree,
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        self.clock = clock
        self._preloaded_glossary = glossary
        self._shutdown: asyncio.Future[None] | None = None
        self.synced: str | None = None
        """What the last sync did about commands: "synced" or "unchanged"."""

    # -- start and stop --------------------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        """Load the glossary, open the database, wire the services, load the cogs, sync commands if changed."""
        self.glossary = self._preloaded_glossary or load_glossary(self.settings.glossary_dir)
        self.engine = GlossaryEngine(
            self.glossary, idle=timedelta(minutes=self.settings.context_idle_minutes), clock=self.clock
        )
        self.db = await Database.open(self.settings.database_path)
        self.store = SettingsStore(self.db, clock=self.clock)
        await self.store.load_channels()
        self.lookups = LookupLog(self.db)
        await self.lookups.start()
        removed = await prune(self.db, self.settings.retention_days, clock=self.clock)
        if removed:
            log.info("pruned %d lookups older than %d days", removed, self.settings.retention_days)
        self.replies = ReplyService(
            self.engine,
            self.lookups,
            user_secret=await self._load_user_secret(),
            raw_user_ids=self.settings.store_raw_user_ids,
            clock=self.clock,
        )
        self.totd_service = TotdService(self.db, self.glossary, clock=self.clock)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def _load_user_secret(self) -> bytes:
        if self.settings.user_key_secret:
            return self.settings.user_key_secret.encode()
        stored = await self.store.get("user_key_secret")
        if stored is None:
            stored = secrets.token_hex(32)
            await self.store.set("user_key_secret", stored)
        return stored.encode()

    async def close(self) -> None:
        """Unload the cogs (stopping the TOTD loop), close the gateway, then flush the lookup log and close the
        database.

        Safe to call several times and concurrently (a signal handler and ``async with`` both call it): the
        shutdown runs once and every caller waits for the same one, so the database is never closed under a
        flush that is still writing.
        """
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._shut_down())
        await asyncio.shield(self._shutdown)

    async def _shut_down(self) -> None:
        await super().close()
        replies = getattr(self, "replies", None)
        if replies is not None:
            replies.close()
        lookups = getattr(self, "lookups", None)
        if lookups is not None:
            await lookups.close()
            log.info("lookup log flushed: %d rows written in this run", lookups.written)
        db = getattr(self, "db", None)
        if db is not None:
            await db.close()

    # -- command sync ----------------------------------------------------------------------------------------
    def commands_hash(self, guild: discord.abc.Snowflake | None) -> str:
        """A hash of the command definitions as they would be synced."""
        payload = sorted(
            (c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)), key=lambda d: str(d.get("name"))
        )
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    async def sync_commands(
        self, *, force: bool = False, guild_id: int | None = None, everywhere: bool = False
    ) -> str:
        """Sync slash commands when their definitions changed since the last sync (or when forced).

        By default the scope is the development guild when DEV_GUILD_ID is set, else global; ``guild_id`` syncs
        that guild (with the global commands copied to it), ``everywhere`` syncs the global commands.
        """
        target = guild_id if guild_id is not None else (None if everywhere else self.settings.dev_guild_id)
        guild = discord.Object(target) if target else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        scope = f"guild:{guild.id}" if guild is not None else "global"
        digest = self.commands_hash(guild)
        key = f"command_hash:{scope}"
        if not force and await self.store.get(key) == digest:
            self.synced = "unchanged"
            log.info("slash commands unchanged since the last sync (%s); not syncing", scope)
            return self.synced
        synced = await self.tree.sync(guild=guild)
        await self.store.set(key, digest)
        self.synced = "synced"
        log.info("synced %d slash commands (%s)", len(synced), scope)
        return self.synced
