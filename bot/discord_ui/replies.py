"""The reply service every cog and component shares: ask the engine off the event loop, reply, log the lookup.

The engine runs in one dedicated worker thread, so no message can hold up the event loop (heartbeats, other
servers, the term of the day) and the conversation context is only ever touched by that one thread, in order.
Lookups are queued *before* a reply is sent, so a reply that fails to send still leaves its log row.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import discord

from bot.clock import Clock, utc_now
from bot.discord_ui.errors import send_private
from bot.discord_ui.views import answer_view, browse_view, suggestion_view
from bot.engine import Answer, GlossaryEngine
from bot.engine.questions import Intent
from bot.glossary.model import Entry
from bot.render.discord import NO_MENTIONS, answer_embed, browse_page, non_answer_text, totd_embed
from bot.storage.lookups import LookupLog, LookupRecord, user_key

log = logging.getLogger(__name__)

T = TypeVar("T")
Conversation = Hashable | None
MessageParts = dict[str, Any]


def conversation_of(user: discord.abc.Snowflake | None, channel_id: int | None) -> Conversation:
    """The conversation key: one per user and channel."""
    return (user.id if user is not None else None, channel_id)


class ReplyService:
    """Answers questions and sends the replies; one per bot, ``bot.replies``."""

    def __init__(
        self,
        engine: GlossaryEngine,
        lookups: LookupLog,
        *,
        user_secret: bytes,
        raw_user_ids: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        self.engine = engine
        self.glossary = engine.glossary
        self.lookups = lookups
        self.clock = clock
        self._user_secret = user_secret
        self._raw_user_ids = raw_user_ids
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="glossary-engine")

    # -- the engine, in its own thread --------------------------------------------------------------------------
    async def _in_engine_thread(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(work, *args, **kwargs))

    async def ask(self, text: str, conversation: Conversation = None) -> Answer:
        """``engine.ask`` off the event loop."""
        return await self._in_engine_thread(self.engine.ask, text, conversation=conversation)

    async def define(self, term: str, conversation: Conversation = None) -> Answer:
        """``engine.define`` off the event loop."""
        return await self._in_engine_thread(self.engine.define, term, conversation=conversation)

    async def answer_for(
        self, entry: Entry, intent: Intent, *, query: str, conversation: Conversation = None
    ) -> Answer:
        """The answer about a known entry; remembered as the conversation's topic when ``conversation`` is given."""
        return await self._in_engine_thread(self._answer_for, entry, intent, query, conversation)

    def _answer_for(self, entry: Entry, intent: Intent, query: str, conversation: Conversation) -> Answer:
        answer = self.engine.answer_for(entry, intent, query=query)
        if conversation is not None:
            self.engine.conversations.remember(conversation, entry)
        return answer

    async def complete(self, prefix: str, limit: int = 25) -> list[Entry]:
        """Entries for autocomplete, best first."""
        return await self._in_engine_thread(self.engine.complete, prefix, limit=limit)

    # -- logging and rendering ----------------------------------------------------------------------------------
    def log(
        self, answer: Answer, *, source: str, guild_id: int | None, channel_id: int | None, user_id: int | None
    ) -> None:
        """Queue a lookup row (pseudonymous user key unless raw IDs are configured); never blocks."""
        key = user_key(user_id, self._user_secret, raw=self._raw_user_ids)
        self.lookups.record(
            LookupRecord.of(
                answer, at=self.clock(), source=source, guild_id=guild_id, channel_id=channel_id, user_key=key
            )
        )

    def message_parts(self, answer: Answer) -> MessageParts:
        """Keyword arguments for a send: embed and view for an answer, text (and did-you-mean buttons) otherwise."""
        if answer.status == "answer" and answer.entry is not None:
            parts: MessageParts = {"embed": answer_embed(answer)}
            view = answer_view(answer, self.glossary)
            if view is not None:
                parts["view"] = view
            return parts
        if answer.status == "suggest" and answer.suggestions:
            return {"content": non_answer_text(answer), "view": suggestion_view(answer.suggestions, answer.intent)}
        return {"content": non_answer_text(answer)}

    async def totd_parts(self, entry: Entry, local_date_text: str) -> MessageParts:
        """The term-of-the-day message: its embed and the entry's FAQ buttons."""
        answer = await self.answer_for(entry, "define", query="term of the day")
        parts: MessageParts = {"embed": totd_embed(entry, local_date_text)}
        view = answer_view(answer, self.glossary)
        if view is not None:
            parts["view"] = view
        return parts

    # -- replies ------------------------------------------------------------------------------------------------
    async def respond(self, interaction: discord.Interaction, answer: Answer, *, source: str) -> None:
        """Answer an interaction (public for answers, private for did-you-mean and misses), logged first."""
        self.log(
            answer,
            source=source,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id if interaction.user else None,
        )
        parts = self.message_parts(answer)
        ephemeral = answer.status != "answer"
        if interaction.response.is_done():
            await interaction.followup.send(**parts, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(**parts, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS)

    async def reply(self, message: discord.Message, answer: Answer, *, source: str) -> None:
        """Reply to a chat message with the answer, logged first."""
        self.log(
            answer,
            source=source,
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
            user_id=message.author.id,
        )
        await self.reply_with(message, self.message_parts(answer))

    async def reply_with(self, message: discord.Message, parts: MessageParts) -> None:
        """Send ``parts`` as a reply to ``message``; plainly if the message is gone; logged if not allowed."""
        try:
            await message.channel.send(
                **parts,
                reference=message.to_reference(fail_if_not_exists=False),
                mention_author=False,
                allowed_mentions=NO_MENTIONS,
            )
        except discord.Forbidden:
            log.warning("no permission to answer in channel %s", message.channel.id)

    async def answer_entry(
        self, interaction: discord.Interaction, entry_number: int, intent: Intent, *, source: str
    ) -> None:
        """A button or select asked about a known entry."""
        entry = self.glossary.by_number(entry_number)
        if entry is None:
            await send_private(interaction, "That entry is no longer in the glossary.")
            return
        conversation = conversation_of(interaction.user, interaction.channel_id)
        answer = await self.answer_for(entry, intent, query=f"#{entry_number} {intent}", conversation=conversation)
        await self.respond(interaction, answer, source=source)

    async def show_category(self, interaction: discord.Interaction, category: str) -> None:
        """The first page of a category listing; a private note when the glossary has no entries in it."""
        categories = self.glossary.categories()
        if category not in categories:
            await send_private(interaction, f"The glossary has no entries in {category} yet.")
            return
        page = browse_page(self.glossary, categories.index(category), 0)
        await interaction.response.send_message(embed=page.embed, view=browse_view(page), allowed_mentions=NO_MENTIONS)

    async def turn_page(self, interaction: discord.Interaction, category_index: int, page_number: int) -> None:
        """Edit a category listing in place to show another page."""
        page = browse_page(self.glossary, category_index, page_number)
        await interaction.response.edit_message(embed=page.embed, view=browse_view(page))

    def close(self) -> None:
        """Stop the engine thread (work not started yet is cancelled)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
