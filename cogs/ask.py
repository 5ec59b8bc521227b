"""Conversational answers: /ask, and chat messages when mentioned, replied to, in DMs or opted-in channels."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import GlossaryBot
from bot.discord_ui.cooldown import ChatCooldown
from bot.discord_ui.replies import conversation_of
from bot.engine.questions import strip_mentions

RATE_NOTICE = "You're asking faster than I can keep up: please wait {seconds} seconds and ask again."


class Ask(commands.Cog):
    """Answer FAQ-style questions."""

    def __init__(self, bot: GlossaryBot) -> None:
        self.bot = bot
        self.cooldown = ChatCooldown(bot.settings.rate_limit_count, bot.settings.rate_limit_seconds, clock=bot.clock)

    def addressed(self, message: discord.Message) -> tuple[bool, bool]:
        """(answer at all, explicitly addressed): DMs, mentions and replies to the bot are addressed; opted-in
        channels are answered but not addressed (chatter there gets no reply)."""
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

    @app_commands.command(name="ask", description="Ask a question about a security term")
    @app_commands.describe(question="e.g. how do you defend against phishing?")
    async def ask(
        self, interaction: discord.Interaction[GlossaryBot], question: app_commands.Range[str, 1, 500]
    ) -> None:
        """Answer a question typed as a slash command."""
        answer = await self.bot.replies.ask(question, conversation_of(interaction.user, interaction.channel_id))
        await self.bot.replies.respond(interaction, answer, source="slash-ask")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer chat questions addressed to the bot (text commands such as the owner's sync are left alone)."""
        if message.author.bot or message.webhook_id is not None:
            return
        answer_it, addressed = self.addressed(message)
        if not answer_it or (await self.bot.get_context(message)).valid:
            return
        text = strip_mentions(message.content or "").strip()
        answer = await self.bot.replies.ask(text, conversation_of(message.author, message.channel.id))
        if answer.status == "none" and not addressed:
            return  # chatter in an opted-in channel: never chime in
        hit = self.cooldown.hit(message)
        if hit.verdict == "silent":
            return
        if hit.verdict == "notify":
            seconds = max(1, round(hit.retry_after))
            await self.bot.replies.reply_with(message, {"content": RATE_NOTICE.format(seconds=seconds)})
            return
        await self.bot.replies.reply(message, answer, source="dm" if message.guild is None else "chat")


async def setup(bot: GlossaryBot) -> None:
    """Load the cog."""
    await bot.add_cog(Ask(bot))
