"""World model of the emulated Discord: snowflakes, users, guilds, channels, roles, members, permissions.

Everything here is plain data plus the functions that turn it into the JSON payloads Discord sends.
It knows nothing about HTTP or websockets; :mod:`tests.e2e.fake_discord` builds the server on top of it.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
CHANNEL_GUILD_TEXT = 0
CHANNEL_DM = 1

# Gateway intents the emulator looks at; VALID_INTENTS is every bit Discord accepts in IDENTIFY.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
VALID_INTENTS = ((1 << 17) - 1) | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25)
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Permission bits used by the emulator.
PERM_CREATE_INSTANT_INVITE = 1 << 0
PERM_ADMINISTRATOR = 1 << 3
PERM_ADD_REACTIONS = 1 << 6
PERM_VIEW_CHANNEL = 1 << 10
PERM_SEND_MESSAGES = 1 << 11
PERM_MANAGE_MESSAGES = 1 << 13
PERM_EMBED_LINKS = 1 << 14
PERM_ATTACH_FILES = 1 << 15
PERM_READ_MESSAGE_HISTORY = 1 << 16
PERM_MENTION_EVERYONE = 1 << 17
PERM_USE_EXTERNAL_EMOJIS = 1 << 18
PERM_CONNECT = 1 << 20
PERM_SPEAK = 1 << 21
PERM_CHANGE_NICKNAME = 1 << 26
PERM_USE_APPLICATION_COMMANDS = 1 << 31
PERM_CREATE_PUBLIC_THREADS = 1 << 35
PERM_SEND_MESSAGES_IN_THREADS = 1 << 38
PERM_ALL = (1 << 51) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    PERM_CREATE_INSTANT_INVITE
    | PERM_ADD_REACTIONS
    | PERM_VIEW_CHANNEL
    | PERM_SEND_MESSAGES
    | PERM_EMBED_LINKS
    | PERM_ATTACH_FILES
    | PERM_READ_MESSAGE_HISTORY
    | PERM_MENTION_EVERYONE
    | PERM_USE_EXTERNAL_EMOJIS
    | PERM_CONNECT
    | PERM_SPEAK
    | PERM_CHANGE_NICKNAME
    | PERM_USE_APPLICATION_COMMANDS
    | PERM_CREATE_PUBLIC_THREADS
    | PERM_SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = (
    PERM_VIEW_CHANNEL
    | PERM_SEND_MESSAGES
    | PERM_EMBED_LINKS
    | PERM_ATTACH_FILES
    | PERM_READ_MESSAGE_HISTORY
    | PERM_ADD_REACTIONS
    | PERM_USE_EXTERNAL_EMOJIS
    | PERM_SEND_MESSAGES_IN_THREADS
    | PERM_USE_APPLICATION_COMMANDS
)

USER_MENTION_RE = re.compile(r"<@!?(\d{15,21})>")
ROLE_MENTION_RE = re.compile(r"<@&(\d{15,21})>")
EVERYONE_MENTION_RE = re.compile(r"@(everyone|here)\b")


class SnowflakeGenerator:
    """Generates strictly increasing, realistic Discord snowflakes (timestamp, worker, process, increment)."""

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        """Return a new snowflake, larger than every previously returned one."""
        with self._lock:
            millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
            candidate = (millis << 22) | (self._worker << 17) | (self._process << 12)
            self._last = max(candidate, self._last + 1)
            return self._last


def iso_timestamp(when: datetime.datetime | None = None) -> str:
    """Format a timestamp the way Discord does (ISO 8601 with microseconds and +00:00)."""
    when = when or datetime.datetime.now(tz=datetime.UTC)
    return when.astimezone(datetime.UTC).isoformat(timespec="microseconds")


@dataclass
class FakeUser:
    """A Discord user (human or bot)."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    discriminator: str = "0"
    public_flags: int = 0
    system: bool = False

    @property
    def mention(self) -> str:
        """The ``<@id>`` mention string."""
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        """Public user object as sent by the API."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": self.discriminator,
            "avatar": self.avatar,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": self.public_flags,
            "flags": self.public_flags,
            "collectibles": None,
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        if self.system:
            data["system"] = True
        return data


@dataclass
class FakeRole:
    """A guild role. The @everyone role has the same id as its guild."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        """The ``<@&id>`` mention string (``@everyone`` for the default role)."""
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        """Role object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeMember:
    """Membership of a user in a guild."""

    user: FakeUser
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_timestamp)
    pending: bool = False
    flags: int = 0

    def payload(self, *, include_user: bool = True) -> dict[str, Any]:
        """Guild member object, optionally without the nested user (as in MESSAGE_CREATE.member)."""
        data: dict[str, Any] = {
            "roles": [str(role_id) for role_id in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": self.pending,
            "flags": self.flags,
            "communication_disabled_until": None,
            "avatar_decoration_data": None,
        }
        if include_user:
            data["user"] = self.user.payload()
        return data


@dataclass
class PermissionOverwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        """Overwrite object."""
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass
class FakeChannel:
    """A guild channel or a DM channel."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: list[PermissionOverwrite] = field(default_factory=list)
    recipients: list[FakeUser] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        """The ``<#id>`` mention string."""
        return f"<#{self.id}>"

    @property
    def is_dm(self) -> bool:
        """Whether this is a private (DM) channel."""
        return self.type == CHANNEL_DM

    def payload(self, *, include_guild_id: bool = True) -> dict[str, Any]:
        """Channel object. GUILD_CREATE omits ``guild_id`` from its nested channels."""
        last = str(self.last_message_id) if self.last_message_id else None
        if self.is_dm:
            return {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": last,
                "flags": 0,
                "recipients": [user.payload() for user in self.recipients],
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [overwrite.payload() for overwrite in self.overwrites],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "flags": 0,
        }
        if self.type == CHANNEL_GUILD_TEXT:
            data.update(
                topic=self.topic,
                nsfw=self.nsfw,
                rate_limit_per_user=self.rate_limit_per_user,
                last_message_id=last,
                default_auto_archive_duration=1440,
                default_thread_rate_limit_per_user=0,
            )
        if include_guild_id and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


@dataclass
class FakeGuild:
    """A guild with its roles, channels and members."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    preferred_locale: str = "en-US"
    description: str | None = None
    system_channel_id: int | None = None
    joined_at: str = field(default_factory=iso_timestamp)

    @property
    def everyone_role(self) -> FakeRole:
        """The @everyone role (same id as the guild)."""
        return self.roles[self.id]

    def channel_named(self, name: str) -> FakeChannel:
        """Return the channel called ``name`` (raises ``KeyError`` if missing)."""
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"guild {self.name!r} has no channel named {name!r}")

    def role_named(self, name: str) -> FakeRole:
        """Return the role called ``name`` (raises ``KeyError`` if missing)."""
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"guild {self.name!r} has no role named {name!r}")

    def base_permissions(self, user_id: int) -> int:
        """Guild-level permissions of a member (owner and administrators get everything)."""
        if user_id == self.owner_id:
            return PERM_ALL
        member = self.members.get(user_id)
        if member is None:
            return 0
        permissions = self.everyone_role.permissions
        for role_id in member.roles:
            role = self.roles.get(role_id)
            if role is not None:
                permissions |= role.permissions
        if permissions & PERM_ADMINISTRATOR:
            return PERM_ALL
        return permissions

    def permissions_in(self, user_id: int, channel: FakeChannel | None) -> int:
        """Permissions of a member in a channel, applying overwrites in Discord's order."""
        permissions = self.base_permissions(user_id)
        if channel is None or permissions == PERM_ALL:
            return permissions
        member = self.members.get(user_id)
        if member is None:
            return 0
        overwrites = {overwrite.id: overwrite for overwrite in channel.overwrites}
        everyone = overwrites.get(self.id)
        if everyone is not None:
            permissions = (permissions & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in member.roles:
            role_overwrite = overwrites.get(role_id)
            if role_overwrite is not None and role_overwrite.type == 0:
                allow |= role_overwrite.allow
                deny |= role_overwrite.deny
        permissions = (permissions & ~deny) | allow
        member_overwrite = overwrites.get(user_id)
        if member_overwrite is not None and member_overwrite.type == 1:
            permissions = (permissions & ~member_overwrite.deny) | member_overwrite.allow
        if not permissions & PERM_VIEW_CHANNEL:
            return 0
        return permissions

    def payload(self) -> dict[str, Any]:
        """REST guild object (GET /guilds/{id}); GUILD_CREATE adds members, channels and more."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": self.description,
            "owner_id": str(self.owner_id),
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [role.payload() for role in sorted(self.roles.values(), key=lambda r: (r.position, r.id))],
            "emojis": [],
            "stickers": [],
            "features": list(self.features),
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "nsfw_level": 0,
            "nsfw": False,
            "premium_progress_bar_enabled": False,
            "incidents_data": None,
            "hub_type": None,
        }

    def gateway_payload(self, *, members: Iterable[FakeMember]) -> dict[str, Any]:
        """GUILD_CREATE payload with the given member list (Discord trims it depending on intents)."""
        data = self.payload()
        data.update(
            {
                "joined_at": self.joined_at,
                "large": len(self.members) >= 250,
                "unavailable": False,
                "member_count": len(self.members),
                "voice_states": [],
                "members": [member.payload() for member in members],
                "channels": [
                    channel.payload(include_guild_id=False)
                    for channel in sorted(self.channels.values(), key=lambda c: (c.position, c.id))
                ],
                "threads": [],
                "presences": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
                "embedded_activities": [],
                "lazy": True,
                "application_command_counts": {},
            }
        )
        return data


def unique_ids(values: Iterable[int]) -> list[int]:
    """De-duplicate while keeping order."""
    seen: set[int] = set()
    result: list[int] = []
    for value in values:
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result


@dataclass
class ParsedMentions:
    """Mentions that Discord would record for a message."""

    users: list[int]
    roles: list[int]
    everyone: bool


def parse_mentions(
    content: str | None,
    allowed_mentions: Mapping[str, Any] | None,
    *,
    replied_user_id: int | None = None,
) -> ParsedMentions:
    """Compute the ``mentions``/``mention_roles``/``mention_everyone`` fields of a message.

    Mirrors Discord: without ``allowed_mentions`` everything in the content is parsed and the replied-to
    author is pinged; with it only the listed kinds/ids are, and ``replied_user`` defaults to false.
    """
    content = content or ""
    user_ids = [int(match) for match in USER_MENTION_RE.findall(content)]
    role_ids = [int(match) for match in ROLE_MENTION_RE.findall(content)]
    everyone = bool(EVERYONE_MENTION_RE.search(content))
    if allowed_mentions is None:
        users = unique_ids(user_ids + ([replied_user_id] if replied_user_id else []))
        return ParsedMentions(users=users, roles=unique_ids(role_ids), everyone=everyone)
    parse = set(allowed_mentions.get("parse") or [])
    explicit_users = {int(u) for u in allowed_mentions.get("users") or []}
    explicit_roles = {int(r) for r in allowed_mentions.get("roles") or []}
    users = [u for u in user_ids if "users" in parse or u in explicit_users]
    if replied_user_id and allowed_mentions.get("replied_user"):
        users.append(replied_user_id)
    roles = [r for r in role_ids if "roles" in parse or r in explicit_roles]
    return ParsedMentions(users=unique_ids(users), roles=unique_ids(roles), everyone=everyone and "everyone" in parse)
