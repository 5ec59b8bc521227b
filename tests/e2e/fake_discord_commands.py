"""Who may invoke a synced application command, as the Discord client decides it.

Discord does not deliver an interaction for a command its client does not offer: a guild member lacking the
command's ``default_member_permissions`` does not see it (administrators and the server owner always do), nobody
sees it without Use Application Commands in the channel, and its ``contexts`` (or the older ``dm_permission``)
decide whether it exists in servers and in DMs at all. Guild commands exist only in their guild.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from .fake_discord_world import PERM_ADMINISTRATOR, PERM_ALL, PERM_USE_APPLICATION_COMMANDS

CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1


class CommandNotInvocable(PermissionError):
    """The Discord client would not let this user run this command here, so no interaction was sent.

    ``reason`` is ``"missing_permissions"`` (then ``missing`` holds the permission bits the member lacks),
    ``"not_in_dms"`` or ``"not_in_guilds"``.
    """

    def __init__(self, command: str, message: str, *, reason: str, missing: int = 0) -> None:
        super().__init__(f"/{command}: {message}")
        self.command = command
        self.reason = reason
        self.missing = missing


def permission_names(bits: int) -> list[str]:
    """discord.py's names for permission bits, e.g. ``["manage_guild"]``."""
    return [name for name, value in discord.Permissions(bits) if value]


def check_invocable(command: Mapping[str, Any], *, user: str, where: str, in_guild: bool, permissions: int) -> None:
    """Raise :class:`CommandNotInvocable` unless ``user`` can run ``command`` in ``where``.

    ``permissions`` are the member's computed permissions in the channel (ignored in DMs).
    """
    name = str(command["name"])
    contexts = command.get("contexts")
    if in_guild and contexts is not None and CONTEXT_GUILD not in contexts:
        raise CommandNotInvocable(name, f"not available in servers (contexts={contexts})", reason="not_in_guilds")
    if not in_guild:
        dm_allowed = CONTEXT_BOT_DM in contexts if contexts is not None else command.get("dm_permission", True)
        if not dm_allowed:
            raise CommandNotInvocable(
                name, f"not available in DMs (contexts={contexts}, dm_permission={command.get('dm_permission')})",
                reason="not_in_dms",
            )
        return
    if permissions == PERM_ALL or permissions & PERM_ADMINISTRATOR:
        return  # the server owner and administrators see every command
    if not permissions & PERM_USE_APPLICATION_COMMANDS:
        raise CommandNotInvocable(
            name, f"{user} lacks Use Application Commands in {where}", reason="missing_permissions",
            missing=PERM_USE_APPLICATION_COMMANDS,
        )
    required_raw = command.get("default_member_permissions")
    if required_raw is None:
        return
    required = int(required_raw)
    missing = required & ~permissions
    if required == 0 or missing:
        lacking = ", ".join(permission_names(missing)) or "administrator (default_member_permissions is 0)"
        raise CommandNotInvocable(
            name,
            f"Discord hides it from {user} in {where}: default_member_permissions={required} needs {lacking}",
            reason="missing_permissions",
            missing=missing or required,
        )
