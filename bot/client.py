"""The ``commands.Bot`` subclass: opens the database, loads the glossary, loads the cogs, answers.

Shared reply helpers live here so that every path (slash command, button, select, chat message) renders,
rate-limits and logs the same way.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.engine.answers import Answer, GlossaryEngine
from bot.engine.questions import Intent
from bot.glossary.loader import load_glossary
from bot.glossary.model import Glossary
from bot.ratelimit import RateLimiter
from bot.render.discord import DYNAMIC_ITEMS, NO_MENTIONS, answer_embed, answer_view, non_answer_text, suggestion_view
from bot.storage.database import Database
from bot.storage.lookups import LookupLog, LookupRecord, prune, user_key
from bot.storage.settings import SettingsStore

if TYPE_CHECKING:
    from bot.totd import TotdScheduler

log = logging.getLogger(__name__)

EXTENSIONS = ("cogs.define", "cogs.ask", "cogs.admin", "cogs.totd")


class GlossaryBot(commands.Bot):
    """CyberGlossary's Discord client."""

    glossary: Glossary
    engine: GlossaryEngine
    db: Database
    store: SettingsStore
    lookups: LookupLog
    totd: TotdScheduler | None

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        glossary: Glossary | None = None,
        **options: object,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True
        intents.dm_messages = True
        intents.message_content = settings.message_content
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            owner_ids=set(settings.owner_ids) or None,
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        self.clock = clock
        self._preloaded_glossary = glossary
        self.rate_limiter = RateLimiter(settings.rate_limit_count, settings.rate_limit_seconds, clock=clock)
        self._user_secret = b""
        self.totd = None
        self._shutdown: asyncio.Future[None] | None = None
        self.synced: str | None = None
        """What the last start did about commands: "synced" or "unchanged"."""

    # -- start and stop --------------------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        """Load the glossary, open the database, load the cogs, sync commands if they changed."""
        self.glossary = self._preloaded_glossary or load_glossary(self.settings.glossary_dir)
        self.engine = GlossaryEngine(
            self.glossary, idle=timedelta(minutes=self.settings.context_idle_minutes), clock=self.clock
        )
        self.db = await Database.open(self.settings.database_path)
        self.store = SettingsStore(self.db, clock=self.clock)
        await self.store.load_channels()
        self._user_secret = await self._load_user_secret()
        self.lookups = LookupLog(self.db)
        await self.lookups.start()
        removed = await prune(self.db, self.settings.retention_days, clock=self.clock)
        if removed:
            log.info("pruned %d lookups older than %d days", removed, self.settings.retention_days)
        gc.collect()
        gc.freeze()  # the glossary and its index live as long as the process: keep the cyclic GC off them
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
        """Stop the scheduler, close the gateway, then flush the lookup log and close the database.

        Safe to call several times and concurrently (a signal handler and ``async with`` both call it): the
        shutdown runs once and every caller waits for the same one, so the database is never closed under a
        flush that is still writing.
        """
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._shut_down())
        await asyncio.shield(self._shutdown)

    async def _shut_down(self) -> None:
        if self.totd is not None:
            await self.totd.stop()
        await super().close()
        lookups = getattr(self, "lookups", None)
        if lookups is not None:
            await lookups.close()
            log.info("lookup log flushed: %d rows written in this run", lookups.written)
        db = getattr(self, "db", None)
        if db is not None:
            await db.close()

    async def on_message(self, message: discord.Message) -> None:
        """Chat is handled by the ask cog; there are no prefix commands to process."""
        return

    # -- command sync ----------------------------------------------------------------------------------------
    def commands_hash(self, guild: discord.abc.Snowflake | None) -> str:
        """A hash of the command definitions as they would be synced."""
        payload = sorted(
            (c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)), key=lambda d: str(d.get("name"))
        )
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    async def sync_commands(self, *, force: bool = False) -> str:
        """Sync slash commands when their definitions changed since the last sync (or when forced)."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
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

    # -- shared reply path -----------------------------------------------------------------------------------
    def log_lookup(
        self,
        answer: Answer,
        *,
        source: str,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int | None,
    ) -> None:
        """Queue a lookup row; never blocks the reply."""
        key = user_key(user_id, self._user_secret, raw=self.settings.store_raw_user_ids)
        self.lookups.record(
            LookupRecord.of(answer, at=self.clock(), source=source, guild_id=guild_id, channel_id=channel_id,
                            user_key=key)
        )

    def render(self, answer: Answer) -> dict[str, object]:
        """Keyword arguments for send/reply: embed and view, or content and suggestion buttons."""
        if answer.status == "answer" and answer.entry is not None:
            kwargs: dict[str, object] = {"embed": answer_embed(answer)}
            view = answer_view(answer, self.glossary)
            if view is not None:
                kwargs["view"] = view
            return kwargs
        if answer.status == "suggest" and answer.suggestions:
            return {"content": non_answer_text(answer), "view": suggestion_view(answer.suggestions, answer.intent)}
        return {"content": non_answer_text(answer)}

    async def respond(self, interaction: discord.Interaction, answer: Answer, *, source: str) -> None:
        """Answer an interaction: public for answers, ephemeral for did-you-mean and misses; then log."""
        self.log_lookup(  # queued first: a reply that fails to send still leaves its log row
            answer,
            source=source,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id if interaction.user else None,
        )
        kwargs = self.render(answer)
        ephemeral = answer.status != "answer"
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)  # type: ignore[arg-type]
        else:
            await interaction.response.send_message(**kwargs, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)  # type: ignore[arg-type]

    async def answer_entry_interaction(
        self, interaction: discord.Interaction, entry_number: int, intent: Intent, *, source: str
    ) -> None:
        """A button or select asked a question about a known entry."""
        entry = self.glossary.by_number(entry_number)
        if entry is None:
            await interaction.response.send_message(
                "That entry is no longer in the glossary.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        answer = self.engine.answer_for(entry, intent, query=f"#{entry_number} {intent}")
        self.engine.conversations.remember((interaction.user.id, interaction.channel_id), entry)
        await self.respond(interaction, answer, source=source)
