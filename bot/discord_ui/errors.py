"""The one error path: a short, private, mention-free message for the user; a traceback only in the log.

``user_message`` maps each app-command error type to what the user needs to know; ``report_error`` sends it
(as a followup when the interaction was already answered) and logs what was not the user's doing. Slash
commands reach it through ``GlossaryTree.on_error``, buttons and selects through their ``on_error``.
"""

from __future__ import annotations

import logging
import math

import discord
from discord import app_commands

from bot.render.discord import NO_MENTIONS

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
NOT_ALLOWED = "You can't use this command."
SERVERS_ONLY = "This command works only in a server, not in direct messages."
OUT_OF_DATE = "This command has changed since your Discord app loaded it; please try again in a minute."

PERMISSION_NAMES = {
    "manage_guild": "Manage Server",
    "manage_channels": "Manage Channels",
    "manage_messages": "Manage Messages",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "embed_links": "Embed Links",
    "view_channel": "View Channel",
    "read_message_history": "Read Message History",
    "administrator": "Administrator",
}


def permission_names(permissions: list[str]) -> str:
    """``["manage_guild", "embed_links"]`` as Discord's app shows them: ``Manage Server and Embed Links``."""
    names = [PERMISSION_NAMES.get(p, p.replace("_", " ").title()) for p in permissions]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _bad_value(error: app_commands.TransformerError) -> str:
    reason = error.__cause__
    if isinstance(reason, ValueError) and str(reason):
        return str(reason)
    return f"That value ({discord.utils.escape_markdown(str(error.value))[:80]}) doesn't work here."


def user_message(error: app_commands.AppCommandError) -> str | None:
    """What to tell the user about ``error``; None when it is a fault on our side (log it, apologise)."""
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {permission_names(error.missing_permissions)} permission for that."
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I need the {permission_names(error.missing_permissions)} permission here for that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return SERVERS_ONLY
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {max(1, math.ceil(error.retry_after))} s."
    if isinstance(error, app_commands.CheckFailure):  # owner-only, roles and any other check
        return NOT_ALLOWED
    if isinstance(error, app_commands.TransformerError):
        return _bad_value(error)
    if isinstance(error, (app_commands.CommandSignatureMismatch, app_commands.CommandNotFound)):
        return OUT_OF_DATE
    return None


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral, mention-free message: the response, or a followup when the response was already sent."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def report_error(interaction: discord.Interaction, error: Exception, *, where: str) -> None:
    """Tell the user briefly what went wrong; log a traceback when it was not the user's doing.

    ``where`` names what failed in the log ("/glossary stats", "button cg:faq:how:12"). Never raises: if even
    the message cannot be sent (the interaction expired, the channel is gone) that is logged too.
    """
    text = user_message(error) if isinstance(error, app_commands.AppCommandError) else None
    if text is None:
        log.error("%s failed", where, exc_info=error)
        text = APOLOGY
    else:
        log.debug("%s refused: %s", where, error)
    try:
        await send_private(interaction, text)
    except discord.HTTPException as exc:
        log.warning("could not tell the user that %s failed: %s", where, exc)
