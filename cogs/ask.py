"""Conversational answers: /ask, and chat messages when mentioned, replied to, in DMs or opted-in channels."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.engine.questions import strip_mentions
from bot.render.discord import NO_MENTIONS, non_answer_text, report_command_error

log = logging.getLogger(__name__)

RATE_NOTICE = "You're asking faster than I can keep up: please wait {seconds} seconds and ask again."


class Ask(commands.Cog):
    """Answer FAQ-style questions."""

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_command_error(interaction, error)

    @app_commands.command(name="ask", description="Ask a question about a security term")
    @app_commands.describe(question="e.g. how do you defend against phishing?")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]) -> None:
        answer = self.bot.engine.ask(question, conversation=(interaction.user.id, interaction.channel_id))
        await self.bot.respond(interaction, answer, source="slash-ask")

    def _addressed(self, message: discord.Message) -> tuple[bool, bool]:
        """(answer at all, explicitly addressed): DMs, mentions and replies to the bot are addressed."""
        me = self.bot.user
        if message.guild is None:
            return True, True
        if me is not None and any(user.id == me.id for user in message.mentions):
            return True, True
        reference = message.reference
        resolved = reference.resolved if reference is not None else None
        if isinstance(resolved, discord.Message) and me is not None and resolved.author.id == me.id:
            return True, True
        if self.bot.store.is_opted_in(message.guild.id, message.channel.id):
            return True, False
        return False, False

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        answer_it, addressed = self._addressed(message)
        if not answer_it:
            return
        text = strip_mentions(message.content or "").strip()
        conversation = (message.author.id, message.channel.id)
        answer = self.bot.engine.ask(text, conversation=conversation)
        if answer.status == "none" and not addressed:
            return  # chatter in an opted-in channel: never chime in
        verdict = self.bot.rate_limiter.hit(message.author.id)
        if verdict == "silent":
            return
        if verdict == "notify":
            seconds = max(1, round(self.bot.rate_limiter.retry_after(message.author.id)))
            await self._reply(message, {"content": RATE_NOTICE.format(seconds=seconds)})
            return
        self.bot.log_lookup(  # queued first: a reply that fails to send still leaves its log row
            answer,
            source="dm" if message.guild is None else "chat",
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
            user_id=message.author.id,
        )
        if answer.status == "none":
            await self._reply(message, {"content": non_answer_text(answer)})
        else:
            await self._reply(message, self.bot.render(answer))

    async def _reply(self, message: discord.Message, kwargs: dict[str, object]) -> None:
        try:
            await message.reply(**kwargs, allowed_mentions=NO_MENTIONS, mention_author=False)  # type: ignore[arg-type]
        except discord.HTTPException as exc:
            if exc.code == 50035 or exc.status == 400:  # the message we reply to is gone: send plainly
                await message.channel.send(**kwargs, allowed_mentions=NO_MENTIONS)  # type: ignore[arg-type]
            elif exc.status == 403:
                log.warning("no permission to answer in channel %s", message.channel.id)
            else:
                raise


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(Ask(bot))
