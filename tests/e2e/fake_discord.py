"""A local emulated Discord (REST API + gateway) that an unmodified discord.py client can log into.

Usage::

    async with FakeDiscord() as fd, fd.patch_discord():
        bot = MyBot(intents=intents, guild_ready_timeout=0.1)  # discord.py's default 2 s makes on_ready slow
        async with fd.run_client(bot):                          # start(fd.token), wait ready, close on exit
            await fd.send_message(fd.channel, fd.user, "!define phishing")
            request = await fd.wait_for_request("POST", rf"/channels/{fd.channel.id}/messages")
            assert request.json["allowed_mentions"] == {"parse": []}

The server listens on ``127.0.0.1`` only: ``/api/v10/...`` (REST), ``/gateway`` and ``/resume-gateway``
(websocket, plain JSON text frames; zlib-stream if ``compress_gateway=True``), ``/attachments/...`` (uploads).

API overview (see the docstrings):

* World: ``bot_user``, ``application_id``, ``owner``, ``user`` (a regular member), ``guild``, ``channel``, ``token``;
  ``add_user``, ``add_guild``, ``add_text_channel``, ``add_category``, ``add_role``, ``add_member``,
  ``set_permission_overwrite``, ``get_dm_channel``, ``block_dms``, ``permissions_for``; payload builders
  ``client_user_payload``, ``application_payload``, ``member_payload``, ``guild_create_payload``, ``ready_payload``.
* Injection: ``dispatch``, ``send_message``, ``send_dm``, ``edit_user_message``, ``delete_user_message``,
  ``add_reaction``, ``member_join``, ``guild_join``, ``send_interaction``, ``send_slash_command``,
  ``send_autocomplete``, ``send_context_menu``, ``send_component``/``click_button``/``choose_select``,
  ``submit_modal``.
* Observation: ``requests`` (+ ``find_requests``, ``wait_for_request``, ``unhandled_requests``,
  ``assert_no_unhandled_requests``), ``sent_messages``, ``wait_for_message``, ``messages``, ``deleted_messages``,
  ``commands``/``find_command``, ``interactions`` (+ ``wait_for_callback``, ``original_response``, ``followups``,
  ``wait_for_response_message``), ``identifies``, ``resumes``, ``gateway_received``, ``gateway_connections``,
  ``dispatched``, ``dropped_events``, ``close_codes``, ``heartbeat_count``, ``last_heartbeat_seq``, ``wait_for``.
* Faults: ``rate_limit_next``, ``disconnect_gateway``, ``gateway_paused``, ``request_reconnect``,
  ``invalidate_session``, ``request_heartbeat``, ``interaction_timeout``, ``allowed_privileged_intents``.

Realism: Discord-style validation (limits, empty messages, components, command schemas), permission checks,
intent filtering (incl. MESSAGE_CONTENT redaction), the 3 second interaction deadline, reply pings and
``allowed_mentions`` resolution, echo of the bot's own messages over the gateway, resumable sessions with replay,
and 429 responses shaped like Discord's (``Via`` header + ``retry_after`` body).
"""

# Explicit ``timeout=`` arguments are part of this test-helper API on purpose (fail fast instead of hanging).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import errno
import ipaddress
import json
import logging
import mimetypes
import re
import secrets
import socket
import time
import traceback
import zlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import web

from .fake_discord_validation import (
    CANNOT_EDIT_OTHERS_MESSAGE,
    INTERACTION_ALREADY_ACKNOWLEDGED,
    INTERACTION_MESSAGE_FLAGS_ALLOWED,
    UNKNOWN_APPLICATION_COMMAND,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_INTERACTION,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    UNKNOWN_WEBHOOK,
    DiscordAPIError,
    FormErrors,
    iter_components,
    missing_access,
    missing_permissions,
    not_found,
    validate_autocomplete_choices,
    validate_command,
    validate_command_list,
    validate_message_payload,
    validate_modal,
)
from .fake_discord_world import (
    CHANNEL_DM,
    CHANNEL_GUILD_CATEGORY,
    CHANNEL_GUILD_TEXT,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    INTENT_DIRECT_MESSAGE_REACTIONS,
    INTENT_DIRECT_MESSAGE_TYPING,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_EXPRESSIONS,
    INTENT_GUILD_INVITES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGE_REACTIONS,
    INTENT_GUILD_MESSAGE_TYPING,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILD_MODERATION,
    INTENT_GUILD_PRESENCES,
    INTENT_GUILD_SCHEDULED_EVENTS,
    INTENT_GUILD_VOICE_STATES,
    INTENT_GUILD_WEBHOOKS,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    PERM_ADD_REACTIONS,
    PERM_ATTACH_FILES,
    PERM_MANAGE_MESSAGES,
    PERM_MENTION_EVERYONE,
    PERM_READ_MESSAGE_HISTORY,
    PERM_SEND_MESSAGES,
    PERM_VIEW_CHANNEL,
    PRIVILEGED_INTENTS,
    VALID_INTENTS,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    PermissionOverwrite,
    SnowflakeGenerator,
    iso_timestamp,
    parse_mentions,
)

__all__ = [
    "FakeDiscord",
    "FakeInteraction",
    "NetworkGuard",
    "RecordedFile",
    "RecordedRequest",
    "block_external_network",
]

log = logging.getLogger("fake_discord")

T = TypeVar("T")

# Interaction types and callback types.
INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5
CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9
CALLBACK_LAUNCH_ACTIVITY = 12
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    INTERACTION_PING: frozenset({CALLBACK_PONG}),
    INTERACTION_APPLICATION_COMMAND: frozenset({4, 5, 9, 12}),
    INTERACTION_MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9, 12}),
    INTERACTION_AUTOCOMPLETE: frozenset({8}),
    INTERACTION_MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_REPLY = 19
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20
MESSAGE_TYPE_CONTEXT_MENU_COMMAND = 23

# Option types.
OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
OPT_STRING = 3
OPT_INTEGER = 4
OPT_BOOLEAN = 5
OPT_USER = 6
OPT_CHANNEL = 7
OPT_ROLE = 8
OPT_MENTIONABLE = 9
OPT_NUMBER = 10
OPT_ATTACHMENT = 11

SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
DM_PERMISSIONS = (
    PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES | PERM_READ_MESSAGE_HISTORY | PERM_ADD_REACTIONS | PERM_ATTACH_FILES
) | (1 << 14)

# Which intent a gateway event needs: (guild intent, DM intent). ``None`` means always delivered.
EVENT_INTENTS: dict[str, tuple[int, int | None]] = {
    "GUILD_CREATE": (INTENT_GUILDS, None),
    "GUILD_UPDATE": (INTENT_GUILDS, None),
    "GUILD_DELETE": (INTENT_GUILDS, None),
    "GUILD_ROLE_CREATE": (INTENT_GUILDS, None),
    "GUILD_ROLE_UPDATE": (INTENT_GUILDS, None),
    "GUILD_ROLE_DELETE": (INTENT_GUILDS, None),
    "CHANNEL_CREATE": (INTENT_GUILDS, None),
    "CHANNEL_UPDATE": (INTENT_GUILDS, None),
    "CHANNEL_DELETE": (INTENT_GUILDS, None),
    "CHANNEL_PINS_UPDATE": (INTENT_GUILDS, INTENT_DIRECT_MESSAGES),
    "THREAD_CREATE": (INTENT_GUILDS, None),
    "THREAD_UPDATE": (INTENT_GUILDS, None),
    "THREAD_DELETE": (INTENT_GUILDS, None),
    "GUILD_MEMBER_ADD": (INTENT_GUILD_MEMBERS, None),
    "GUILD_MEMBER_UPDATE": (INTENT_GUILD_MEMBERS, None),
    "GUILD_MEMBER_REMOVE": (INTENT_GUILD_MEMBERS, None),
    "GUILD_BAN_ADD": (INTENT_GUILD_MODERATION, None),
    "GUILD_BAN_REMOVE": (INTENT_GUILD_MODERATION, None),
    "GUILD_EMOJIS_UPDATE": (INTENT_GUILD_EXPRESSIONS, None),
    "GUILD_STICKERS_UPDATE": (INTENT_GUILD_EXPRESSIONS, None),
    "WEBHOOKS_UPDATE": (INTENT_GUILD_WEBHOOKS, None),
    "INVITE_CREATE": (INTENT_GUILD_INVITES, None),
    "INVITE_DELETE": (INTENT_GUILD_INVITES, None),
    "VOICE_STATE_UPDATE": (INTENT_GUILD_VOICE_STATES, None),
    "PRESENCE_UPDATE": (INTENT_GUILD_PRESENCES, None),
    "MESSAGE_CREATE": (INTENT_GUILD_MESSAGES, INTENT_DIRECT_MESSAGES),
    "MESSAGE_UPDATE": (INTENT_GUILD_MESSAGES, INTENT_DIRECT_MESSAGES),
    "MESSAGE_DELETE": (INTENT_GUILD_MESSAGES, INTENT_DIRECT_MESSAGES),
    "MESSAGE_DELETE_BULK": (INTENT_GUILD_MESSAGES, None),
    "MESSAGE_REACTION_ADD": (INTENT_GUILD_MESSAGE_REACTIONS, INTENT_DIRECT_MESSAGE_REACTIONS),
    "MESSAGE_REACTION_REMOVE": (INTENT_GUILD_MESSAGE_REACTIONS, INTENT_DIRECT_MESSAGE_REACTIONS),
    "MESSAGE_REACTION_REMOVE_ALL": (INTENT_GUILD_MESSAGE_REACTIONS, INTENT_DIRECT_MESSAGE_REACTIONS),
    "TYPING_START": (INTENT_GUILD_MESSAGE_TYPING, INTENT_DIRECT_MESSAGE_TYPING),
    "GUILD_SCHEDULED_EVENT_CREATE": (INTENT_GUILD_SCHEDULED_EVENTS, None),
    "GUILD_SCHEDULED_EVENT_UPDATE": (INTENT_GUILD_SCHEDULED_EVENTS, None),
    "GUILD_SCHEDULED_EVENT_DELETE": (INTENT_GUILD_SCHEDULED_EVENTS, None),
}
GUILD_SCOPED_BY_ID = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})
NON_RESUMABLE_CLOSE_CODES = frozenset({4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014})

# 1x1 transparent PNG served for CDN requests when ``patch_discord(cdn=True)`` is used.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000185d114090000000049454e44ae426082"
)


# ---------------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class RecordedFile:
    """A file part of a multipart request."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request received by the fake (REST, webhook, interaction callback, or unknown)."""

    index: int
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[RecordedFile]
    api_version: int | None
    route: str | None = None
    status: int = 0
    response: Any = None
    rate_limited: bool = False
    completed: bool = False
    timestamp: float = field(default_factory=time.monotonic)

    @property
    def unhandled(self) -> bool:
        """True if no emulated route matched this request."""
        return self.route is None

    def __repr__(self) -> str:
        return f"<RecordedRequest #{self.index} {self.method} {self.path} -> {self.status}>"


@dataclass
class DispatchedEvent:
    """A DISPATCH frame the fake queued for a gateway session."""

    session_id: str
    event: str
    seq: int
    data: Any


@dataclass
class FakeInteraction:
    """An interaction injected by the test, plus everything the bot did in response."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    user: FakeUser
    channel_id: int
    guild_id: int | None
    created_at: float
    component_message_id: int | None = None
    response_type: int | None = None
    response_data: dict[str, Any] | None = None
    callbacks: list[RecordedRequest] = field(default_factory=list)
    original_message_id: int | None = None
    followup_message_ids: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None

    @property
    def acknowledged(self) -> bool:
        """Whether the bot answered the interaction callback."""
        return self.response_type is not None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices of a type 8 response, else ``None``."""
        if self.response_type != CALLBACK_AUTOCOMPLETE_RESULT or self.response_data is None:
            return None
        return list(self.response_data.get("choices") or [])


# ---------------------------------------------------------------------------------------------------------------------
# Gateway plumbing
# ---------------------------------------------------------------------------------------------------------------------


class _GatewayConnection:
    """One websocket connection from a client."""

    _counter = 0

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, *, compress: bool) -> None:
        _GatewayConnection._counter += 1
        self.number = _GatewayConnection._counter
        self.ws = ws
        self.request = request
        self.path = request.path
        self.query = dict(request.query)
        self.session: _GatewaySession | None = None
        self.heartbeats = 0
        self.client_close_code: int | None = None
        self.server_close_code: int | None = None
        self.aborted = False
        self._compressor = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()

    @property
    def closed(self) -> bool:
        return self.ws.closed or self.aborted

    async def send(self, payload: Mapping[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.closed:
                raise ConnectionResetError("gateway connection is closed")
            if self._compressor is not None:
                data = self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)

    async def close(self, code: int, reason: str = "") -> None:
        self.server_close_code = code
        if not self.ws.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), timeout=3.0)

    def abort(self) -> None:
        self.aborted = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()


class _GatewaySession:
    """A gateway session (survives reconnects via RESUME)."""

    def __init__(self, session_id: str, identify: dict[str, Any], intents: int, shard: tuple[int, int] | None) -> None:
        self.session_id = session_id
        self.identify = identify
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.buffer: deque[dict[str, Any]] = deque(maxlen=10_000)
        self.connection: _GatewayConnection | None = None
        self.lock = asyncio.Lock()
        self.valid = True

    def has_intent(self, intent: int) -> bool:
        return bool(self.intents & intent)


@dataclass
class _RateLimitRule:
    method: str
    pattern: re.Pattern[str]
    retry_after: float
    remaining: int
    is_global: bool
    scope: str


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Callable[[_Call], Awaitable[tuple[int, Any]]]
    auth: bool


@dataclass
class _Call:
    request: web.Request
    record: RecordedRequest
    params: dict[str, str]

    @property
    def body(self) -> dict[str, Any]:
        return self.record.json if isinstance(self.record.json, dict) else {}

    @property
    def files(self) -> list[RecordedFile]:
        return [f for f in self.record.files if f.field_name.startswith("file")]

    def snowflake(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            errors = FormErrors()
            errors.add([name], "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')
            errors.raise_if_any()
        return int(value)

    def flag(self, name: str) -> bool:
        return self.record.query.get(name, "").lower() in ("1", "true")


class _DiscordPatch:
    """Points discord.py's REST base URL and default gateway at a :class:`FakeDiscord`; undo restores them."""

    def __init__(self, fake: FakeDiscord, *, cdn: bool) -> None:
        self._fake = fake
        self._cdn = cdn
        self._saved: list[tuple[Any, str, Any]] = []

    def apply(self) -> None:
        targets: list[tuple[Any, str, Any]] = [
            (discord.http.Route, "BASE", f"{self._fake.http_url}/api/v10"),
            (discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self._fake.gateway_url)),
        ]
        if self._cdn:
            targets.append((discord.Asset, "BASE", f"{self._fake.http_url}/cdn"))
        for owner, name, value in targets:
            self._saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, value)

    def undo(self) -> None:
        """Restore the original values (idempotent)."""
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)

    def __enter__(self) -> _DiscordPatch:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.undo()

    async def __aenter__(self) -> _DiscordPatch:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.undo()


# ---------------------------------------------------------------------------------------------------------------------
# Network guard
# ---------------------------------------------------------------------------------------------------------------------


class NetworkGuard:
    """Blocks DNS lookups and socket connections to anything but loopback; remembers what was attempted."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    @staticmethod
    def _is_local_host(host: Any) -> bool:
        if host is None:
            return True
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        host = str(host)
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False

    def check_address(self, address: Any) -> None:
        """Raise ``OSError`` unless ``address`` is loopback or a unix socket path."""
        if isinstance(address, tuple) and address and not self._is_local_host(address[0]):
            self.blocked.append(repr(address))
            raise OSError(errno.ENETUNREACH, f"network access blocked in tests: {address!r}")

    def check_host(self, host: Any) -> None:
        """Raise ``OSError`` unless ``host`` is a loopback name/address."""
        if not self._is_local_host(host):
            self.blocked.append(repr(host))
            raise OSError(errno.ENETUNREACH, f"DNS lookup blocked in tests: {host!r}")


@contextlib.contextmanager
def block_external_network() -> Iterator[NetworkGuard]:
    """Within the block, DNS for non-local names and connects to non-loopback addresses raise ``OSError``."""
    guard = NetworkGuard()
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        guard.check_address(address)
        return original_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        guard.check_address(address)
        return original_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        guard.check_host(host)
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield guard
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = original_getaddrinfo


# ---------------------------------------------------------------------------------------------------------------------
# The fake
# ---------------------------------------------------------------------------------------------------------------------


class FakeDiscord:
    """An in-process Discord: REST API, gateway, and a mutable world, all on 127.0.0.1.

    Construct it, optionally shape the world (``add_user``, ``add_guild``, ``add_text_channel`` ...), then
    ``await start()`` (or ``async with``) and ``patch_discord()`` so discord.py talks to it.
    """

    def __init__(
        self,
        *,
        heartbeat_interval: int = 1000,
        bot_name: str = "CyberGlossary",
        token: str | None = None,
        interaction_timeout: float = 3.0,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
        compress_gateway: bool = False,
        shard_count: int = 1,
        echo_own_messages: bool = True,
        rate_limit_headers: bool = True,
    ) -> None:
        """Create the fake and its default world (not started yet).

        ``heartbeat_interval`` is in milliseconds. ``interaction_timeout`` is the time the bot has for its first
        interaction callback (Discord: 3 s). ``allowed_privileged_intents`` emulates the developer-portal switches:
        identifying with other privileged intents closes the gateway with 4014. ``compress_gateway`` sends
        zlib-stream binary frames when the client asks for them (default: plain JSON text frames).
        """
        self.heartbeat_interval = heartbeat_interval
        self.interaction_timeout = interaction_timeout
        self.allowed_privileged_intents = allowed_privileged_intents
        self.compress_gateway = compress_gateway
        self.shard_count = shard_count
        self.echo_own_messages = echo_own_messages
        self.rate_limit_headers = rate_limit_headers
        self.ack_heartbeats = True

        self.snowflakes = SnowflakeGenerator()
        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.deleted_messages: dict[int, dict[str, Any]] = {}
        self.global_commands: dict[int, dict[str, Any]] = {}
        self.guild_commands: dict[int, dict[int, dict[str, Any]]] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.attachments: dict[int, RecordedFile] = {}
        self.dm_blocked_user_ids: set[int] = set()

        # Recording.
        self.requests: list[RecordedRequest] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.gateway_received: list[dict[str, Any]] = []
        self.gateway_connections: list[dict[str, Any]] = []
        self.dispatched: list[DispatchedEvent] = []
        self.dropped_events: list[tuple[str, str]] = []
        self.close_codes: list[tuple[str, int | None]] = []
        self.presence_updates: list[dict[str, Any]] = []
        self.server_errors: list[str] = []
        self.heartbeat_count = 0
        self.last_heartbeat_seq: int | None = None
        self.ready_count = 0
        self.invalid_session_count = 0

        self._channel_messages: dict[int, list[int]] = {}
        self._nonces: dict[tuple[int, str], int] = {}
        self._reaction_users: dict[int, dict[str, set[int]]] = {}
        self._sessions: dict[str, _GatewaySession] = {}
        self._connections: set[_GatewayConnection] = set()
        self._rate_limits: list[_RateLimitRule] = []
        self._routes: list[_Route] = []
        self._waiters: set[asyncio.Future[None]] = set()
        self._patches: list[_DiscordPatch] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._gateway_gate = asyncio.Event()
        self._gateway_gate.set()
        self._build_routes()

        # Default world.
        self.application_id = self.snowflakes.next()
        self.bot_user = FakeUser(id=self.application_id, username=bot_name, bot=True)
        self.users[self.bot_user.id] = self.bot_user
        self.token = token or self._make_token(self.bot_user.id)
        self.verify_key = secrets.token_hex(32)
        self.owner = self.add_user("glossary_owner", global_name="Glossary Owner")
        self.user = self.add_user("alice", global_name="Alice")
        self.guild = self.add_guild("CyberGlossary Lab", owner=self.owner, channel_names=("general", "glossary"))
        self.add_member(self.guild, self.user)
        self.channel = self.guild.channel_named("general")

    # ------------------------------------------------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------------------------------------------------

    @staticmethod
    def _make_token(user_id: int) -> str:
        head = base64.b64encode(str(user_id).encode()).decode().rstrip("=")
        return f"{head}.{secrets.token_urlsafe(5)[:6]}.{secrets.token_urlsafe(28)[:38]}"

    @property
    def port(self) -> int:
        """The bound TCP port (only after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def http_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        """The gateway URL handed out by ``GET /gateway`` (and patched into discord.py)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """The ``resume_gateway_url`` sent in READY (a distinct path, so tests can see resumes use it)."""
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and start serving."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_get("/resume-gateway", self._handle_gateway)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._handle_attachment)
        app.router.add_get("/cdn/{tail:.*}", self._handle_cdn)
        app.router.add_route("*", r"/api/v{version:\d+}/{tail:.*}", self._handle_api)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        sock.setblocking(False)
        self._port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        log.debug("fake discord listening on %s", self.http_url)

    async def stop(self) -> None:
        """Close gateway connections, stop the server and undo any :meth:`patch_discord`."""
        self._gateway_gate.set()
        for conn in list(self._connections):
            await conn.close(1001, "fake discord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for patch in self._patches:
            patch.undo()
        self._patches.clear()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.cancel()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def patch_discord(self, *, cdn: bool = False) -> _DiscordPatch:
        """Point discord.py at this fake; returns a handle usable as a context manager (or call ``.undo()``).

        Patches ``discord.http.Route.BASE`` (REST, webhooks and interaction callbacks all build URLs from it) and
        ``DiscordWebSocket.DEFAULT_GATEWAY`` (``Client.connect`` never asks ``/gateway/bot``; it connects there
        directly). With ``cdn=True`` ``discord.Asset.BASE`` is redirected too (assets are then 1x1 PNGs).
        :meth:`stop` undoes every patch that is still active.
        """
        patch = _DiscordPatch(self, cdn=cdn)
        patch.apply()
        self._patches.append(patch)
        return patch

    @contextlib.asynccontextmanager
    async def run_client(self, client: discord.Client, *, ready_timeout: float = 10.0) -> AsyncIterator[discord.Client]:
        """Start ``client`` with :attr:`token`, wait until it is ready, and close it cleanly on exit.

        Raises whatever ``client.start`` raised if it dies during startup, and ``TimeoutError`` if it is not ready
        within ``ready_timeout`` seconds. Note discord.py waits ``guild_ready_timeout`` (default 2 s) after the last
        GUILD_CREATE before firing ``on_ready``; pass ``guild_ready_timeout=0.1`` to the client for fast tests.
        """
        start_task = asyncio.create_task(client.start(self.token), name="fake-discord-client")
        try:
            await self._await_client_ready(client, start_task, ready_timeout)
            yield client
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), timeout=10.0)
            if not start_task.done():
                try:
                    await asyncio.wait_for(start_task, timeout=10.0)
                except TimeoutError:
                    start_task.cancel()
                    raise
        if start_task.done() and not start_task.cancelled() and start_task.exception() is not None:
            raise start_task.exception()  # type: ignore[misc]

    async def _await_client_ready(self, client: discord.Client, start_task: asyncio.Task[None], timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not client.is_ready():
            if start_task.done():
                start_task.result()  # re-raises LoginFailure, PrivilegedIntentsRequired, ...
                raise RuntimeError("client.start() returned before the client became ready")
            if loop.time() > deadline:
                raise TimeoutError(f"client was not ready after {timeout}s; identifies={len(self.identifies)}")
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------------------------------------------------------
    # Waiting
    # ------------------------------------------------------------------------------------------------------------

    def _notify(self) -> None:
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_for(self, predicate: Callable[[], T], *, timeout: float = 5.0, description: str = "condition") -> T:
        """Wait until ``predicate()`` returns something truthy and return it.

        The predicate is re-evaluated whenever the fake records something (a request, gateway payload, event ...).
        Raises ``TimeoutError`` with ``description`` after ``timeout`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests[-8:])
                raise TimeoutError(f"timed out after {timeout}s waiting for {description}; recent requests: [{recent}]")
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            await asyncio.wait({waiter}, timeout=min(remaining, 0.25))

    def find_requests(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> list[RecordedRequest]:
        """Completed requests matching method (any if ``None``), ``re.fullmatch(path_regex, path)`` and predicate."""
        pattern = re.compile(path_regex) if path_regex is not None else None
        return [
            request
            for request in self.requests
            if request.completed
            and (method is None or request.method == method.upper())
            and (pattern is None or pattern.fullmatch(request.path))
            and (predicate is None or predicate(request))
        ]

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
    ) -> RecordedRequest:
        """Return the first completed request (past or future) matching method, path regex (fullmatch) and predicate.

        Paths are relative to the API root, e.g. ``/channels/123/messages``. Rate-limited (429) attempts are
        recorded too; add ``predicate=lambda r: r.status < 300`` to skip them.
        """

        def find() -> RecordedRequest | None:
            found = self.find_requests(method, path_regex, predicate)
            return found[0] if found else None

        return await self.wait_for(find, timeout=timeout, description=f"request {method.upper()} {path_regex}")

    @property
    def unhandled_requests(self) -> list[RecordedRequest]:
        """Requests that matched no emulated route (answered 404/405)."""
        return [request for request in self.requests if request.unhandled]

    def assert_no_unhandled_requests(self) -> None:
        """Fail if the bot called a route the fake does not know or the fake itself raised an error."""
        problems = [f"{r.method} {r.path} -> {r.status}" for r in self.unhandled_requests]
        problems += [f"fake discord internal error: {err}" for err in self.server_errors]
        if problems:
            raise AssertionError("unexpected requests / errors:\n  " + "\n  ".join(problems))

    @property
    def identify_count(self) -> int:
        """Number of IDENTIFY payloads accepted."""
        return len(self.identifies)

    @property
    def resume_count(self) -> int:
        """Number of successful RESUMEs."""
        return len(self.resumes)

    @property
    def sequence(self) -> int:
        """The last sequence number sent on the most recently identified valid session (0 if none)."""
        sessions = self._active_sessions()
        return sessions[-1].seq if sessions else 0

    async def wait_ready(self, timeout: float = 5.0, *, count: int = 1) -> None:
        """Wait until the fake has sent READY and all GUILD_CREATEs for the ``count``-th identify.

        This is the server side; discord.py fires ``on_ready`` ``guild_ready_timeout`` seconds later.
        """
        await self.wait_for(lambda: self.ready_count >= count, timeout=timeout, description=f"READY #{count}")

    async def wait_resumed(self, timeout: float = 5.0, *, count: int = 1) -> None:
        """Wait until ``count`` sessions were resumed (RESUMED sent)."""
        await self.wait_for(lambda: self.resume_count >= count, timeout=timeout, description=f"RESUMED #{count}")

    async def wait_connected(self, timeout: float = 5.0) -> None:
        """Wait until some session has a live gateway connection."""
        await self.wait_for(
            lambda: any(s.connection and not s.connection.closed for s in self._sessions.values() if s.valid),
            timeout=timeout,
            description="a connected gateway session",
        )

    # ------------------------------------------------------------------------------------------------------------
    # World building (synchronous; announce changes over the gateway with the async helpers below)
    # ------------------------------------------------------------------------------------------------------------

    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> FakeUser:
        """Create a user known to Discord (not a member of any guild yet)."""
        user = FakeUser(id=self.snowflakes.next(), username=username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: FakeUser | None = None,
        channel_names: Sequence[str] = ("general",),
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        with_bot: bool = True,
    ) -> FakeGuild:
        """Create a guild with @everyone, text channels, the owner as member and (by default) the bot.

        The bot gets its managed integration role with ``bot_permissions``, as when invited with an OAuth2 URL.
        """
        owner = owner or self.owner
        guild_id = self.snowflakes.next()
        guild = FakeGuild(id=guild_id, name=name, owner_id=owner.id)
        guild.roles[guild_id] = FakeRole(
            id=guild_id, guild_id=guild_id, name="@everyone", permissions=everyone_permissions, position=0
        )
        self.guilds[guild_id] = guild
        for channel_name in channel_names:
            self.add_text_channel(guild, channel_name)
        if guild.channels:
            guild.system_channel_id = next(iter(guild.channels))
        self.add_member(guild, owner)
        if with_bot:
            bot_role = FakeRole(
                id=self.snowflakes.next(),
                guild_id=guild_id,
                name=self.bot_user.username,
                permissions=bot_permissions,
                position=1,
                managed=True,
                bot_id=self.bot_user.id,
            )
            guild.roles[bot_role.id] = bot_role
            self.add_member(guild, self.bot_user, roles=[bot_role])
        return guild

    def add_text_channel(
        self,
        guild: FakeGuild,
        name: str,
        *,
        topic: str | None = None,
        nsfw: bool = False,
        category: FakeChannel | None = None,
        rate_limit_per_user: int = 0,
    ) -> FakeChannel:
        """Add a text channel to ``guild``."""
        channel = FakeChannel(
            id=self.snowflakes.next(),
            type=CHANNEL_GUILD_TEXT,
            name=name,
            guild_id=guild.id,
            position=len([c for c in guild.channels.values() if c.type == CHANNEL_GUILD_TEXT]),
            topic=topic,
            nsfw=nsfw,
            parent_id=category.id if category else None,
            rate_limit_per_user=rate_limit_per_user,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_category(self, guild: FakeGuild, name: str) -> FakeChannel:
        """Add a category channel to ``guild``."""
        channel = FakeChannel(
            id=self.snowflakes.next(), type=CHANNEL_GUILD_CATEGORY, name=name, guild_id=guild.id, position=0
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_role(
        self,
        guild: FakeGuild,
        name: str,
        *,
        permissions: int = 0,
        color: int = 0,
        mentionable: bool = False,
        hoist: bool = False,
    ) -> FakeRole:
        """Add a role to ``guild`` (above existing roles)."""
        position = max((role.position for role in guild.roles.values()), default=0) + 1
        role = FakeRole(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
            color=color,
            mentionable=mentionable,
            hoist=hoist,
            position=position,
        )
        guild.roles[role.id] = role
        return role

    def add_member(
        self, guild: FakeGuild, user: FakeUser, *, roles: Iterable[FakeRole] = (), nick: str | None = None
    ) -> FakeMember:
        """Make ``user`` a member of ``guild`` (idempotent; updates roles/nick if already a member)."""
        member = guild.members.get(user.id)
        role_ids = [role.id for role in roles]
        if member is None:
            member = FakeMember(user=user, guild_id=guild.id, roles=role_ids, nick=nick)
            guild.members[user.id] = member
        else:
            member.roles = list(dict.fromkeys([*member.roles, *role_ids]))
            member.nick = nick if nick is not None else member.nick
        return member

    def set_permission_overwrite(
        self,
        channel: FakeChannel,
        target: FakeRole | FakeUser | FakeMember,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> None:
        """Set (replace) the overwrite for a role or member on a guild channel."""
        if isinstance(target, FakeRole):
            target_id, target_type = target.id, 0
        else:
            target_id, target_type = (target.user.id if isinstance(target, FakeMember) else target.id), 1
        channel.overwrites = [o for o in channel.overwrites if o.id != target_id]
        channel.overwrites.append(PermissionOverwrite(id=target_id, type=target_type, allow=allow, deny=deny))

    def get_dm_channel(self, user: FakeUser | int) -> FakeChannel:
        """Return (creating if needed) the DM channel between the bot and ``user``."""
        resolved = self._user(user)
        for channel in self.channels.values():
            if channel.is_dm and channel.recipients and channel.recipients[0].id == resolved.id:
                return channel
        channel = FakeChannel(id=self.snowflakes.next(), type=CHANNEL_DM, recipients=[resolved])
        self.channels[channel.id] = channel
        return channel

    def block_dms(self, user: FakeUser | int) -> None:
        """Make DMs to ``user`` fail with 403 50007 "Cannot send messages to this user"."""
        self.dm_blocked_user_ids.add(self._user(user).id)

    def member(self, guild: FakeGuild | int, user: FakeUser | int) -> FakeMember:
        """Return the member object of ``user`` in ``guild``."""
        return self._guild(guild).members[self._user(user).id]

    def permissions_for(self, user: FakeUser | int, channel: FakeChannel | int) -> int:
        """Effective permission bits of ``user`` in ``channel`` (DMs: the implicit DM permissions)."""
        resolved_channel = self._channel(channel)
        user_id = self._user(user).id
        if resolved_channel.is_dm:
            return DM_PERMISSIONS
        return self.guilds[resolved_channel.guild_id or 0].permissions_in(user_id, resolved_channel)

    def _user(self, user: FakeUser | FakeMember | int | None) -> FakeUser:
        if user is None:
            return self.user
        if isinstance(user, FakeMember):
            return user.user
        if isinstance(user, FakeUser):
            return user
        try:
            return self.users[int(user)]
        except KeyError:
            raise KeyError(f"unknown user id {user}") from None

    def _channel(self, channel: FakeChannel | int | None) -> FakeChannel:
        if channel is None:
            return self.channel
        if isinstance(channel, FakeChannel):
            return channel
        try:
            return self.channels[int(channel)]
        except KeyError:
            raise KeyError(f"unknown channel id {channel}") from None

    def _guild(self, guild: FakeGuild | int) -> FakeGuild:
        return guild if isinstance(guild, FakeGuild) else self.guilds[int(guild)]

    # ------------------------------------------------------------------------------------------------------------
    # Payload helpers
    # ------------------------------------------------------------------------------------------------------------

    @property
    def application_flags(self) -> int:
        """Application flags matching the allowed privileged intents (+ APPLICATION_COMMAND_BADGE)."""
        flags = 1 << 23
        if self.allowed_privileged_intents & INTENT_GUILD_PRESENCES:
            flags |= 1 << 13
        if self.allowed_privileged_intents & INTENT_GUILD_MEMBERS:
            flags |= 1 << 15
        if self.allowed_privileged_intents & INTENT_MESSAGE_CONTENT:
            flags |= 1 << 19
        return flags

    def client_user_payload(self) -> dict[str, Any]:
        """The bot's own user object (``GET /users/@me`` / READY.user)."""
        data = self.bot_user.payload()
        data.update(verified=True, mfa_enabled=False, email=None, locale="en-US", bot=True, flags=0)
        return data

    def application_payload(self) -> dict[str, Any]:
        """Application object (``GET /oauth2/applications/@me``)."""
        install = {"scopes": ["applications.commands", "bot"], "permissions": str(DEFAULT_BOT_PERMISSIONS)}
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "Cybersecurity glossary bot (emulated)",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": self.verify_key,
            "owner": self.owner.payload(),
            "team": None,
            "flags": self.application_flags,
            "tags": [],
            "install_params": install,
            "integration_types_config": {"0": {"oauth2_install_params": install}, "1": {}},
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "approximate_guild_count": len([g for g in self.guilds.values() if self.bot_user.id in g.members]),
            "bot": self.bot_user.payload(),
        }

    def member_payload(
        self, guild: FakeGuild | int, user: FakeUser | int, *, include_user: bool = True
    ) -> dict[str, Any]:
        """Guild member object of ``user`` in ``guild``."""
        return self.member(guild, user).payload(include_user=include_user)

    def guild_create_payload(self, guild: FakeGuild | int, *, intents: int = 0) -> dict[str, Any]:
        """GUILD_CREATE payload as sent to a session with ``intents``.

        Like Discord, the member list only has everyone when GUILD_PRESENCES is on (and the guild is not large);
        otherwise it has just the bot, and discord.py requests the rest with op 8 if it has GUILD_MEMBERS.
        """
        resolved = self._guild(guild)
        if intents & INTENT_GUILD_PRESENCES and len(resolved.members) < 250:
            members = list(resolved.members.values())
        else:
            members = [m for m in resolved.members.values() if m.user.id == self.bot_user.id]
        return resolved.gateway_payload(members=members)

    def ready_payload(self, session_id: str, shard: tuple[int, int] | None) -> dict[str, Any]:
        """READY payload for a new session."""
        data: dict[str, Any] = {
            "v": 10,
            "user": self.client_user_payload(),
            "user_settings": {},
            "relationships": [],
            "private_channels": [],
            "presences": [],
            "guild_join_requests": [],
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self._bot_guilds(shard)],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "geo_ordered_rtc_regions": ["us-east", "us-central", "us-south", "us-west", "rotterdam"],
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "auth": {},
            "_trace": ['["gateway-prd-fake-1",{"micros":1000,"calls":[]}]'],
        }
        if shard is not None:
            data["shard"] = list(shard)
        return data

    def _bot_guilds(self, shard: tuple[int, int] | None) -> list[FakeGuild]:
        guilds = [g for g in self.guilds.values() if self.bot_user.id in g.members]
        if shard is not None:
            shard_id, count = shard
            guilds = [g for g in guilds if (g.id >> 22) % count == shard_id]
        return guilds

    def _channel_with_permissions(self, channel: FakeChannel, user_id: int) -> dict[str, Any]:
        data = channel.payload()
        data["permissions"] = str(self.permissions_for(user_id, channel))
        return data

    def _gateway_message(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """The MESSAGE_CREATE/UPDATE form of a stored message (adds guild_id and member objects)."""
        data = copy.deepcopy(dict(message))
        channel = self.channels.get(int(message["channel_id"]))
        if channel is not None and channel.guild_id is not None:
            guild = self.guilds[channel.guild_id]
            data["guild_id"] = str(guild.id)
            author_id = int(message["author"]["id"])
            if author_id in guild.members and not message.get("webhook_id"):
                data["member"] = guild.members[author_id].payload(include_user=False)
            for mention in data.get("mentions", []):
                mentioned = guild.members.get(int(mention["id"]))
                if mentioned is not None:
                    mention["member"] = mentioned.payload(include_user=False)
        return data

    # ------------------------------------------------------------------------------------------------------------
    # Messages: storage and injection
    # ------------------------------------------------------------------------------------------------------------

    def sent_messages(self, channel_id: FakeChannel | int | None = None) -> list[dict[str, Any]]:
        """Current state (copies) of messages the bot authored, in order; all channels if ``channel_id`` is None.

        Includes interaction responses and follow-ups (ephemeral ones have ``flags & 64``). Deleted messages are
        in :attr:`deleted_messages` instead.
        """
        if channel_id is None:
            ids = sorted(self.messages)
        else:
            ids = list(self._channel_messages.get(self._channel(channel_id).id, []))
        return [
            copy.deepcopy(self.messages[mid])
            for mid in ids
            if mid in self.messages and int(self.messages[mid]["author"]["id"]) == self.bot_user.id
        ]

    async def wait_for_message(
        self,
        channel_id: FakeChannel | int | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Return the first bot-authored message (past or future, current state) matching ``predicate``."""

        def find() -> dict[str, Any] | None:
            for message in self.sent_messages(channel_id):
                if predicate is None or predicate(message):
                    return message
            return None

        return await self.wait_for(find, timeout=timeout, description=f"a bot message in {channel_id}")

    def message(self, message_id: int | Mapping[str, Any]) -> dict[str, Any]:
        """Current state (copy) of a stored message."""
        mid = int(message_id["id"]) if isinstance(message_id, Mapping) else int(message_id)
        return copy.deepcopy(self.messages[mid])

    async def send_message(
        self,
        channel: FakeChannel | int,
        author: FakeUser | int,
        content: str,
        *,
        mentions: Iterable[FakeUser | int] = (),
        reference: Mapping[str, Any] | int | None = None,
        mention_author: bool = True,
        embeds: Sequence[Mapping[str, Any]] = (),
        attachments: Sequence[RecordedFile] = (),
    ) -> dict[str, Any]:
        """A user posts a message: store it and dispatch a realistic MESSAGE_CREATE (guild or DM).

        Mentions are parsed from ``<@id>``/``<@&id>``/``@everyone`` in the content, plus ``mentions``. A
        ``reference`` (message dict or id) makes it a reply that pings the replied-to author if ``mention_author``.
        Returns the stored message (REST form).
        """
        resolved_channel = self._channel(channel)
        user = self._user(author)
        permissions = self.permissions_for(user, resolved_channel)
        if not resolved_channel.is_dm:
            guild = self.guilds[resolved_channel.guild_id or 0]
            if user.id not in guild.members:
                raise ValueError(f"{user.username} is not a member of {guild.name}")
            if not permissions & PERM_VIEW_CHANNEL or not permissions & PERM_SEND_MESSAGES:
                raise ValueError(f"{user.username} cannot send messages in #{resolved_channel.name}")
        referenced = self._lookup_reference(reference)
        parsed = parse_mentions(
            content, None, replied_user_id=int(referenced["author"]["id"]) if referenced and mention_author else None
        )
        user_ids = list(dict.fromkeys([*parsed.users, *(self._user(m).id for m in mentions)]))
        message = self._new_message(
            resolved_channel,
            user,
            content=content,
            embeds=[dict(e) for e in embeds],
            mention_user_ids=user_ids,
            mention_role_ids=parsed.roles if not resolved_channel.is_dm else [],
            mention_everyone=parsed.everyone and bool(permissions & PERM_MENTION_EVERYONE),
            referenced=referenced,
            files=list(attachments),
        )
        await self._broadcast("MESSAGE_CREATE", self._gateway_message(message), require_session=True)
        return copy.deepcopy(message)

    async def send_dm(self, author: FakeUser | int, content: str, **kwargs: Any) -> dict[str, Any]:
        """A user DMs the bot (see :meth:`send_message` for keyword arguments)."""
        return await self.send_message(self.get_dm_channel(author), author, content, **kwargs)

    async def edit_user_message(self, message: Mapping[str, Any] | int, content: str) -> dict[str, Any]:
        """A user edits their message: update the store and dispatch MESSAGE_UPDATE."""
        stored = self.messages[int(message["id"]) if isinstance(message, Mapping) else int(message)]
        stored["content"] = content
        stored["edited_timestamp"] = iso_timestamp()
        await self._broadcast("MESSAGE_UPDATE", self._gateway_message(stored), require_session=True)
        return copy.deepcopy(stored)

    async def delete_user_message(self, message: Mapping[str, Any] | int) -> None:
        """A message is deleted by a user/moderator: remove it and dispatch MESSAGE_DELETE."""
        stored = self._remove_message(int(message["id"]) if isinstance(message, Mapping) else int(message))
        await self._broadcast("MESSAGE_DELETE", self._delete_event(stored), require_session=True)

    async def add_reaction(self, message: Mapping[str, Any] | int, user: FakeUser | int, emoji: str) -> None:
        """A user reacts to a message (unicode emoji or ``name:id``): store and dispatch MESSAGE_REACTION_ADD."""
        stored = self.messages[int(message["id"]) if isinstance(message, Mapping) else int(message)]
        reactor = self._user(user)
        self._apply_reaction(stored, reactor.id, emoji, add=True)
        await self._broadcast(
            "MESSAGE_REACTION_ADD", self._reaction_event(stored, reactor, emoji), require_session=True
        )

    async def member_join(
        self, guild: FakeGuild | int, user: FakeUser | int, *, roles: Iterable[FakeRole] = ()
    ) -> FakeMember:
        """``user`` joins ``guild``: add the member and dispatch GUILD_MEMBER_ADD."""
        resolved = self._guild(guild)
        member = self.add_member(resolved, self._user(user), roles=roles)
        data = member.payload()
        data["guild_id"] = str(resolved.id)
        await self._broadcast("GUILD_MEMBER_ADD", data, require_session=True)
        return member

    async def guild_join(self, guild: FakeGuild | int) -> None:
        """The bot is added to ``guild`` at runtime: ensure membership and dispatch GUILD_CREATE."""
        resolved = self._guild(guild)
        if self.bot_user.id not in resolved.members:
            self.add_member(resolved, self.bot_user)
        for session in self._active_sessions():
            payload = self.guild_create_payload(resolved, intents=session.intents)
            del payload["unavailable"]  # absent for a newly joined guild (discord.py: on_guild_join, not available)
            async with session.lock:
                await self._send_dispatch_locked(session, "GUILD_CREATE", payload)
        self._notify()

    def _lookup_reference(self, reference: Mapping[str, Any] | int | None) -> dict[str, Any] | None:
        if reference is None:
            return None
        mid = int(reference["id"]) if isinstance(reference, Mapping) else int(reference)
        try:
            return self.messages[mid]
        except KeyError:
            raise KeyError(f"cannot reply to unknown message {mid}") from None

    def _new_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        *,
        content: str | None,
        embeds: list[dict[str, Any]] | None = None,
        components: list[dict[str, Any]] | None = None,
        mention_user_ids: Sequence[int] = (),
        mention_role_ids: Sequence[int] = (),
        mention_everyone: bool = False,
        referenced: Mapping[str, Any] | None = None,
        files: Sequence[RecordedFile] = (),
        attachment_meta: Sequence[Mapping[str, Any]] = (),
        flags: int = 0,
        tts: bool = False,
        nonce: str | int | None = None,
        message_type: int | None = None,
        interaction: FakeInteraction | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        message_id = self.snowflakes.next()
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": content or "",
            "timestamp": iso_timestamp(),
            "edited_timestamp": None,
            "tts": tts,
            "mention_everyone": mention_everyone,
            "mentions": [self.users[uid].payload() for uid in mention_user_ids if uid in self.users],
            "mention_roles": [str(rid) for rid in mention_role_ids],
            "attachments": self._make_attachments(channel, files, attachment_meta),
            "embeds": [self._normalise_embed(e) for e in embeds or []],
            "pinned": False,
            "type": message_type if message_type is not None else (MESSAGE_TYPE_REPLY if referenced else 0),
            "flags": flags,
            "components": copy.deepcopy(components or []),
        }
        if nonce is not None:
            message["nonce"] = nonce
        if referenced is not None:
            message["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
            }
            if channel.guild_id is not None:
                message["message_reference"]["guild_id"] = str(channel.guild_id)
            message["referenced_message"] = copy.deepcopy(
                {k: v for k, v in referenced.items() if k != "referenced_message"}
            )
        if interaction is not None:
            message["application_id"] = str(self.application_id)
            message["webhook_id"] = str(self.application_id)
            metadata: dict[str, Any] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {}),
            }
            data = interaction.payload.get("data") or {}
            if interaction.type == INTERACTION_APPLICATION_COMMAND:
                metadata["name"] = data.get("name")
                metadata["command_type"] = data.get("type", 1)
            if interaction.component_message_id is not None:
                metadata["interacted_message_id"] = str(interaction.component_message_id)
            message["interaction_metadata"] = metadata
            if interaction.type == INTERACTION_APPLICATION_COMMAND:
                message["interaction"] = {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "name": data.get("name"),
                    "user": interaction.user.payload(),
                }
        if extra:
            message.update(extra)
        self.messages[message_id] = message
        self._channel_messages.setdefault(channel.id, []).append(message_id)
        channel.last_message_id = message_id
        self._notify()
        return message

    def _make_attachments(
        self, channel: FakeChannel, files: Sequence[RecordedFile], meta: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        by_index = {str(m.get("id")): m for m in meta}
        result = []
        for index, upload in enumerate(files):
            info = by_index.get(str(index), {})
            filename = str(info.get("filename") or upload.filename or f"file{index}")
            attachment_id = self.snowflakes.next()
            self.attachments[attachment_id] = upload
            base = self.http_url if self._port else "http://127.0.0.1"
            url = f"{base}/attachments/{channel.id}/{attachment_id}/{filename}"
            content_type = mimetypes.guess_type(filename)[0] or upload.content_type or "application/octet-stream"
            attachment: dict[str, Any] = {
                "id": str(attachment_id),
                "filename": filename,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url,
                "content_type": content_type,
            }
            if info.get("description"):
                attachment["description"] = info["description"]
            result.append(attachment)
        return result

    @staticmethod
    def _normalise_embed(embed: Mapping[str, Any]) -> dict[str, Any]:
        data = {k: copy.deepcopy(v) for k, v in embed.items() if v is not None}
        data.setdefault("type", "rich")
        data.setdefault("content_scan_version", 0)
        for key in ("image", "thumbnail"):
            if isinstance(data.get(key), dict) and "url" in data[key]:
                data[key].setdefault("proxy_url", data[key]["url"])
                data[key].setdefault("width", 128)
                data[key].setdefault("height", 128)
        return data

    def _remove_message(self, message_id: int) -> dict[str, Any]:
        try:
            stored = self.messages.pop(message_id)
        except KeyError:
            raise not_found(UNKNOWN_MESSAGE, "Unknown Message") from None
        self.deleted_messages[message_id] = stored
        channel_list = self._channel_messages.get(int(stored["channel_id"]), [])
        if message_id in channel_list:
            channel_list.remove(message_id)
        self._notify()
        return stored

    def _delete_event(self, message: Mapping[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"id": message["id"], "channel_id": message["channel_id"]}
        channel = self.channels.get(int(message["channel_id"]))
        if channel is not None and channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        return data

    @staticmethod
    def _emoji_payload(emoji: str) -> dict[str, Any]:
        name, _, emoji_id = emoji.removeprefix("a:").partition(":")
        if emoji_id.isdigit():
            return {"id": emoji_id, "name": name, "animated": emoji.startswith("a:")}
        return {"id": None, "name": emoji}

    def _apply_reaction(self, message: dict[str, Any], user_id: int, emoji: str, *, add: bool) -> bool:
        payload = self._emoji_payload(emoji)
        reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
        users = self._reaction_users.setdefault(int(message["id"]), {})
        key = f"{payload['name']}:{payload['id']}"
        reactors = users.setdefault(key, set())
        changed = (user_id not in reactors) if add else (user_id in reactors)
        if add:
            reactors.add(user_id)
        else:
            reactors.discard(user_id)
        reactions[:] = [r for r in reactions if f"{r['emoji']['name']}:{r['emoji']['id']}" != key]
        if reactors:
            reactions.append(
                {
                    "emoji": payload,
                    "count": len(reactors),
                    "count_details": {"burst": 0, "normal": len(reactors)},
                    "me": self.bot_user.id in reactors,
                    "me_burst": False,
                    "burst_colors": [],
                    "burst_count": 0,
                }
            )
        if not reactions:
            message.pop("reactions", None)
        return changed

    def _reaction_event(self, message: Mapping[str, Any], user: FakeUser, emoji: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": message["channel_id"],
            "message_id": message["id"],
            "emoji": self._emoji_payload(emoji),
            "message_author_id": message["author"]["id"],
            "burst": False,
            "type": 0,
        }
        channel = self.channels.get(int(message["channel_id"]))
        if channel is not None and channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
            member = self.guilds[channel.guild_id].members.get(user.id)
            if member is not None:
                data["member"] = member.payload()
        return data

    # ------------------------------------------------------------------------------------------------------------
    # Application commands
    # ------------------------------------------------------------------------------------------------------------

    def commands(self, guild_id: FakeGuild | int | None = None) -> list[dict[str, Any]]:
        """Registered commands (copies): global if ``guild_id`` is None, else that guild's."""
        if guild_id is None:
            bucket = self.global_commands
        else:
            bucket = self.guild_commands.get(self._guild(guild_id).id, {})
        return copy.deepcopy(list(bucket.values()))

    def find_command(self, name: str, *, guild_id: int | None = None, command_type: int = 1) -> dict[str, Any]:
        """Look up a registered command by name: the guild's commands first, then global ones."""
        buckets = []
        if guild_id is not None:
            buckets.append(self.guild_commands.get(guild_id, {}))
        buckets.append(self.global_commands)
        for bucket in buckets:
            for command in bucket.values():
                if command["name"] == name and command.get("type", 1) == command_type:
                    return command
        known = sorted({c["name"] for b in buckets for c in b.values()})
        raise LookupError(
            f"no registered command {name!r} (type {command_type}); registered: {known}. Did the bot sync?"
        )

    def _command_bucket(self, guild_id: int | None) -> dict[int, dict[str, Any]]:
        if guild_id is None:
            return self.global_commands
        if guild_id not in self.guilds or self.bot_user.id not in self.guilds[guild_id].members:
            raise missing_access()
        return self.guild_commands.setdefault(guild_id, {})

    def _build_command(
        self, payload: Mapping[str, Any], guild_id: int | None, command_id: int | None
    ) -> dict[str, Any]:
        command: dict[str, Any] = {
            "id": str(command_id or self.snowflakes.next()),
            "application_id": str(self.application_id),
            "version": str(self.snowflakes.next()),
            "type": payload.get("type", 1),
            "name": payload["name"],
            "name_localizations": payload.get("name_localizations"),
            "description": payload.get("description", ""),
            "description_localizations": payload.get("description_localizations"),
            "default_member_permissions": payload.get("default_member_permissions"),
            "nsfw": payload.get("nsfw", False),
            "integration_types": payload.get("integration_types") or [0],
            "contexts": payload.get("contexts"),
        }
        if payload.get("options"):
            command["options"] = copy.deepcopy(payload["options"])
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        else:
            command["dm_permission"] = payload.get("dm_permission", True)
        return command

    # ------------------------------------------------------------------------------------------------------------
    # Interactions: injection
    # ------------------------------------------------------------------------------------------------------------

    async def send_interaction(
        self,
        interaction_type: int,
        data: Mapping[str, Any],
        *,
        user: FakeUser | int | None = None,
        channel: FakeChannel | int | None = None,
        message: Mapping[str, Any] | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Dispatch a raw INTERACTION_CREATE of ``interaction_type`` with ``data``; returns the interaction.

        ``channel`` defaults to :attr:`channel` (or the message's channel), ``user`` to :attr:`user`. Prefer the
        typed helpers (:meth:`send_slash_command`, :meth:`send_autocomplete`, :meth:`click_button` ...).
        """
        stored_message = None
        if message is not None:
            stored_message = self.messages[int(message["id"]) if isinstance(message, Mapping) else int(message)]
            if channel is None:
                channel = int(stored_message["channel_id"])
        resolved_channel = self._channel(channel)
        invoker = self._user(user)
        guild = None if resolved_channel.is_dm else self.guilds[resolved_channel.guild_id or 0]
        if guild is not None and invoker.id not in guild.members:
            raise ValueError(f"{invoker.username} is not a member of {guild.name}")
        interaction_id = self.snowflakes.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": interaction_type,
            "data": copy.deepcopy(dict(data)),
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(self.permissions_for(self.bot_user, resolved_channel)),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(resolved_channel.id),
            "channel": self._channel_with_permissions(resolved_channel, invoker.id),
        }
        if guild is not None:
            member = guild.members[invoker.id].payload()
            member["permissions"] = str(self.permissions_for(invoker, resolved_channel))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": list(guild.features)},
                guild_locale=guild.preferred_locale,
                member=member,
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            payload.update(user=invoker.payload(), context=1, authorizing_integration_owners={"0": "0"})
        if stored_message is not None:
            payload["message"] = copy.deepcopy(stored_message)
        interaction = FakeInteraction(
            id=interaction_id,
            token=token,
            type=interaction_type,
            payload=payload,
            user=invoker,
            channel_id=resolved_channel.id,
            guild_id=guild.id if guild else None,
            created_at=asyncio.get_running_loop().time(),
            component_message_id=int(stored_message["id"]) if stored_message is not None else None,
        )
        self.interactions[interaction_id] = interaction
        await self._broadcast("INTERACTION_CREATE", copy.deepcopy(payload), require_session=True)
        return interaction

    async def send_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | int | None = None,
        channel: FakeChannel | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Invoke a registered chat-input command (APPLICATION_COMMAND, type 2).

        ``name`` may include a subcommand path (``"glossary define"``). ``options`` maps option names to values;
        users/members/channels/roles may be given as ``FakeUser``/``FakeChannel``/``FakeRole`` (or ids) and are
        added to ``resolved``. Unknown options, missing required options and values outside ``choices`` raise
        ``ValueError``, because the Discord client would never send them.
        """
        resolved_channel = self._channel(channel)
        parts = name.split()
        command = self.find_command(parts[0], guild_id=resolved_channel.guild_id)
        data = self._command_data(command, parts[1:], options or {}, focused=None, channel=resolved_channel)
        return await self.send_interaction(
            INTERACTION_APPLICATION_COMMAND, data, user=user, channel=resolved_channel, locale=locale
        )

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        user: FakeUser | int | None = None,
        channel: FakeChannel | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Send APPLICATION_COMMAND_AUTOCOMPLETE (type 4) while the user types into option ``focused``."""
        if focused not in options:
            raise ValueError(f"focused option {focused!r} must be one of the given options {list(options)}")
        resolved_channel = self._channel(channel)
        parts = name.split()
        command = self.find_command(parts[0], guild_id=resolved_channel.guild_id)
        data = self._command_data(command, parts[1:], options, focused=focused, channel=resolved_channel)
        return await self.send_interaction(
            INTERACTION_AUTOCOMPLETE, data, user=user, channel=resolved_channel, locale=locale
        )

    async def send_context_menu(
        self,
        name: str,
        target: FakeUser | Mapping[str, Any],
        *,
        user: FakeUser | int | None = None,
        channel: FakeChannel | int | None = None,
    ) -> FakeInteraction:
        """Invoke a user (target ``FakeUser``) or message (target message dict) context-menu command."""
        resolved_channel = self._channel(channel)
        if isinstance(target, FakeUser):
            command = self.find_command(name, guild_id=resolved_channel.guild_id, command_type=2)
            resolved: dict[str, Any] = {"users": {str(target.id): target.payload()}}
            if resolved_channel.guild_id is not None and target.id in self.guilds[resolved_channel.guild_id].members:
                member = self.member_payload(resolved_channel.guild_id, target, include_user=False)
                member["permissions"] = str(self.permissions_for(target, resolved_channel))
                resolved["members"] = {str(target.id): member}
            target_id = target.id
        else:
            command = self.find_command(name, guild_id=resolved_channel.guild_id, command_type=3)
            stored = self.messages[int(target["id"])]
            resolved = {"messages": {stored["id"]: copy.deepcopy(stored)}}
            target_id = int(stored["id"])
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": command["type"],
            "target_id": str(target_id),
            "resolved": resolved,
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self.send_interaction(INTERACTION_APPLICATION_COMMAND, data, user=user, channel=resolved_channel)

    async def send_component(
        self,
        message: Mapping[str, Any] | int,
        custom_id: str,
        *,
        values: Sequence[Any] | None = None,
        user: FakeUser | int | None = None,
    ) -> FakeInteraction:
        """A user uses the component ``custom_id`` on a stored message (MESSAGE_COMPONENT, type 3).

        The component type comes from the message. Selects need ``values`` (strings for string selects; users,
        roles or channels - objects or ids - for entity selects, which also fill ``resolved``). Clicking a
        missing or disabled component raises ``ValueError``.
        """
        stored = self.messages[int(message["id"]) if isinstance(message, Mapping) else int(message)]
        component = next(
            (c for c in iter_components(stored.get("components") or []) if c.get("custom_id") == custom_id), None
        )
        if component is None:
            raise ValueError(f"message {stored['id']} has no component with custom_id {custom_id!r}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; users cannot interact with it")
        component_type = int(component["type"])
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if component_type in SELECT_TYPES:
            data.update(self._select_values(component, list(values or []), self._channel(int(stored["channel_id"]))))
        elif values:
            raise ValueError("values are only valid for select menus")
        return await self.send_interaction(INTERACTION_MESSAGE_COMPONENT, data, user=user, message=stored)

    async def click_button(
        self, message: Mapping[str, Any] | int, custom_id: str, *, user: FakeUser | int | None = None
    ) -> FakeInteraction:
        """Press the button ``custom_id`` on ``message``."""
        return await self.send_component(message, custom_id, user=user)

    async def choose_select(
        self,
        message: Mapping[str, Any] | int,
        custom_id: str,
        values: Sequence[Any],
        *,
        user: FakeUser | int | None = None,
    ) -> FakeInteraction:
        """Choose ``values`` in the select menu ``custom_id`` on ``message``."""
        return await self.send_component(message, custom_id, values=values, user=user)

    async def submit_modal(
        self,
        interaction: FakeInteraction,
        values: Mapping[str, str | Sequence[str]],
        *,
        user: FakeUser | int | None = None,
    ) -> FakeInteraction:
        """Submit the modal the bot opened in response to ``interaction`` (MODAL_SUBMIT, type 5).

        ``values`` maps text-input custom_ids to text (or select custom_ids to value lists). Missing required
        text inputs raise ``ValueError``.
        """
        if interaction.modal is None:
            raise ValueError("the bot did not respond to this interaction with a modal")
        components = [self._modal_submit_component(c, values) for c in interaction.modal.get("components") or []]
        data = {"custom_id": interaction.modal["custom_id"], "components": components}
        return await self.send_interaction(
            INTERACTION_MODAL_SUBMIT,
            data,
            user=user or interaction.user,
            channel=interaction.channel_id,
            message=interaction.component_message_id,
        )

    def _modal_submit_component(
        self, component: Mapping[str, Any], values: Mapping[str, str | Sequence[str]]
    ) -> dict[str, Any]:
        ctype = component.get("type")
        if ctype == 1:
            return {
                "type": 1,
                "components": [self._modal_submit_component(c, values) for c in component.get("components") or []],
            }
        if ctype == 18:
            return {"type": 18, "component": self._modal_submit_component(component["component"], values)}
        custom_id = component.get("custom_id")
        if custom_id is None:
            return {"type": ctype}  # non-interactive (e.g. text display): echoed without a value
        if ctype == 4:
            value = values.get(custom_id or "", component.get("value") or "")
            if not isinstance(value, str):
                raise ValueError(f"text input {custom_id!r} needs a string")
            if component.get("required", True) and not value:
                raise ValueError(f"text input {custom_id!r} is required")
            max_length = component.get("max_length")
            if max_length is not None and len(value) > max_length:
                raise ValueError(f"text input {custom_id!r} allows at most {max_length} characters")
            return {"type": 4, "custom_id": custom_id, "value": value}
        chosen = values.get(custom_id or "", [])
        return {"type": ctype, "custom_id": custom_id, "values": [chosen] if isinstance(chosen, str) else list(chosen)}

    def _select_values(self, component: Mapping[str, Any], values: list[Any], channel: FakeChannel) -> dict[str, Any]:
        ctype = component["type"]
        min_values = component.get("min_values", 1)
        max_values = component.get("max_values", 1)
        if not min_values <= len(values) <= max_values:
            raise ValueError(f"select {component.get('custom_id')!r} needs {min_values}..{max_values} values")
        if ctype == 3:
            allowed = [option["value"] for option in component.get("options") or []]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"values {bad} are not options of select {component.get('custom_id')!r}: {allowed}")
            return {"values": [str(v) for v in values]}
        resolved: dict[str, dict[str, Any]] = {}
        ids = [
            self._add_resolved_entity(
                resolved, value, channel, expected={5: "user", 6: "role", 7: "channel", 8: "any"}[ctype]
            )
            for value in values
        ]
        return {"values": [str(i) for i in ids], "resolved": resolved}

    def _add_resolved_entity(
        self, resolved: dict[str, dict[str, Any]], value: Any, channel: FakeChannel, *, expected: str
    ) -> int:
        guild = self.guilds.get(channel.guild_id or 0)
        if isinstance(value, FakeMember):
            value = value.user
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            number = int(value)
            if number in self.users:
                value = self.users[number]
            elif number in self.channels:
                value = self.channels[number]
            elif guild is not None and number in guild.roles:
                value = guild.roles[number]
            else:
                raise ValueError(f"unknown id {number}")
        if isinstance(value, FakeUser) and expected in ("user", "any"):
            resolved.setdefault("users", {})[str(value.id)] = value.payload()
            if guild is not None and value.id in guild.members:
                member = guild.members[value.id].payload(include_user=False)
                member["permissions"] = str(self.permissions_for(value, channel))
                resolved.setdefault("members", {})[str(value.id)] = member
            return value.id
        if isinstance(value, FakeRole) and expected in ("role", "any"):
            resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return value.id
        if isinstance(value, FakeChannel) and expected == "channel":
            data = {
                "id": str(value.id),
                "name": value.name,
                "type": value.type,
                "permissions": str(self.permissions_for(self.bot_user, value)),
                "parent_id": str(value.parent_id) if value.parent_id else None,
            }
            if value.guild_id is not None:
                data["guild_id"] = str(value.guild_id)
            resolved.setdefault("channels", {})[str(value.id)] = data
            return value.id
        raise ValueError(f"{value!r} is not a valid {expected}")

    def _command_data(
        self,
        command: Mapping[str, Any],
        path: Sequence[str],
        options: Mapping[str, Any],
        *,
        focused: str | None,
        channel: FakeChannel,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": command.get("type", 1)}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        schema: list[dict[str, Any]] = list(command.get("options") or [])
        container = data
        for sub in path:
            option = next((o for o in schema if o["name"] == sub and o["type"] in (1, 2)), None)
            if option is None:
                raise ValueError(f"command {command['name']!r} has no subcommand {sub!r}")
            node: dict[str, Any] = {"name": sub, "type": option["type"], "options": []}
            container.setdefault("options", []).append(node)
            container = node
            schema = list(option.get("options") or [])
        if any(o["type"] in (1, 2) for o in schema):
            raise ValueError(f"command {command['name']!r} needs a subcommand: {[o['name'] for o in schema]}")
        resolved: dict[str, dict[str, Any]] = {}
        for option_name, value in options.items():
            option = next((o for o in schema if o["name"] == option_name), None)
            if option is None:
                raise ValueError(f"unknown option {option_name!r}; options are {[o['name'] for o in schema]}")
            entry: dict[str, Any] = {"name": option_name, "type": option["type"]}
            if option_name == focused:
                entry["value"] = str(value) if option["type"] == OPT_STRING else value
                entry["focused"] = True
            else:
                entry["value"] = self._option_value(option, value, resolved, channel)
            container.setdefault("options", []).append(entry)
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
            if missing:
                raise ValueError(f"missing required options {missing} for {command['name']!r}")
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self, option: Mapping[str, Any], value: Any, resolved: dict[str, dict[str, Any]], channel: FakeChannel
    ) -> Any:
        otype = option["type"]
        result: Any
        if otype == OPT_STRING:
            result = str(value)
            if option.get("min_length") is not None and len(result) < option["min_length"]:
                raise ValueError(f"option {option['name']!r} is shorter than {option['min_length']}")
            if option.get("max_length") is not None and len(result) > option["max_length"]:
                raise ValueError(f"option {option['name']!r} is longer than {option['max_length']}")
        elif otype == OPT_INTEGER:
            result = int(value)
        elif otype == OPT_NUMBER:
            result = float(value)
        elif otype == OPT_BOOLEAN:
            result = bool(value)
        elif otype in (OPT_USER, OPT_ROLE, OPT_MENTIONABLE, OPT_CHANNEL):
            expected = {OPT_USER: "user", OPT_ROLE: "role", OPT_MENTIONABLE: "any", OPT_CHANNEL: "channel"}[otype]
            entity_id = self._add_resolved_entity(resolved, value, channel, expected=expected)
            if otype == OPT_CHANNEL and option.get("channel_types"):
                if self.channels[entity_id].type not in option["channel_types"]:
                    raise ValueError(f"channel type not allowed for option {option['name']!r}")
            return str(entity_id)
        elif otype == OPT_ATTACHMENT:
            upload = value if isinstance(value, RecordedFile) else RecordedFile("files[0]", str(value), None, b"")
            attachment = self._make_attachments(channel, [upload], [])[0]
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        else:
            raise ValueError(f"unsupported option type {otype}")
        if otype in (OPT_INTEGER, OPT_NUMBER):
            if option.get("min_value") is not None and result < option["min_value"]:
                raise ValueError(f"option {option['name']!r} below min_value")
            if option.get("max_value") is not None and result > option["max_value"]:
                raise ValueError(f"option {option['name']!r} above max_value")
        choices = option.get("choices")
        if choices and result not in [c["value"] for c in choices]:
            raise ValueError(f"{result!r} is not a choice of {option['name']!r}: {[c['value'] for c in choices]}")
        return result

    async def wait_for_callback(self, interaction: FakeInteraction, timeout: float = 5.0) -> RecordedRequest:
        """Wait for the bot's first callback request (any status) for ``interaction``."""
        return await self.wait_for(
            lambda: interaction.callbacks[0] if interaction.callbacks and interaction.callbacks[0].completed else None,
            timeout=timeout,
            description=f"interaction callback for {interaction.id}",
        )

    def original_response(self, interaction: FakeInteraction) -> dict[str, Any] | None:
        """Current state of the interaction's original response message, if any."""
        mid = interaction.original_message_id
        if mid is None or mid not in self.messages:
            return None
        return copy.deepcopy(self.messages[mid])

    def followups(self, interaction: FakeInteraction) -> list[dict[str, Any]]:
        """Current state of the follow-up messages the bot sent for ``interaction``."""
        return [copy.deepcopy(self.messages[m]) for m in interaction.followup_message_ids if m in self.messages]

    async def wait_for_response_message(
        self,
        interaction: FakeInteraction,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Wait until the original response exists, is no longer "thinking", and matches ``predicate``."""

        def find() -> dict[str, Any] | None:
            message = self.original_response(interaction)
            if message is None or message.get("flags", 0) & MESSAGE_FLAG_LOADING:
                return None
            return message if predicate is None or predicate(message) else None

        return await self.wait_for(find, timeout=timeout, description=f"response message for {interaction.id}")

    # ------------------------------------------------------------------------------------------------------------
    # Gateway: public controls
    # ------------------------------------------------------------------------------------------------------------

    def _active_sessions(self) -> list[_GatewaySession]:
        return [session for session in self._sessions.values() if session.valid]

    async def dispatch(self, event: str, data: Any, *, ignore_intents: bool = False) -> int:
        """Send a DISPATCH ``event`` to every valid session; returns how many sessions received/queued it.

        Events a session's intents exclude are dropped (see :attr:`dropped_events`) unless ``ignore_intents``;
        guild messages lose content/embeds/attachments/components without MESSAGE_CONTENT (unless they mention
        the bot). Disconnected sessions buffer the event and get it replayed on RESUME.
        Raises ``RuntimeError`` if no client has identified.
        """
        return await self._broadcast(event, data, require_session=True, ignore_intents=ignore_intents)

    async def _broadcast(
        self, event: str, data: Any, *, require_session: bool = False, ignore_intents: bool = False
    ) -> int:
        sessions = self._active_sessions()
        if not sessions:
            if require_session:
                raise RuntimeError(f"cannot dispatch {event}: no client has identified on the gateway yet")
            return 0
        delivered = 0
        for session in sessions:
            payload = data if ignore_intents else self._filter_for_session(session, event, data)
            if payload is None:
                continue
            async with session.lock:
                await self._send_dispatch_locked(session, event, payload)
            delivered += 1
        self._notify()
        return delivered

    def _filter_for_session(self, session: _GatewaySession, event: str, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        guild_id_raw = data.get("id") if event in GUILD_SCOPED_BY_ID else data.get("guild_id")
        guild_id = int(guild_id_raw) if guild_id_raw is not None else None
        if session.shard is not None:
            shard_id, count = session.shard
            if (guild_id is None and shard_id != 0) or (guild_id is not None and (guild_id >> 22) % count != shard_id):
                self.dropped_events.append((event, f"not for shard {shard_id}"))
                return None
        intents = EVENT_INTENTS.get(event)
        if intents is not None:
            needed = intents[0] if guild_id is not None else intents[1]
            if needed is not None and not session.has_intent(needed):
                self.dropped_events.append((event, f"session lacks intent {needed}"))
                return None
        if (
            event in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
            and guild_id is not None
            and not session.has_intent(INTENT_MESSAGE_CONTENT)
        ):
            author_id = int((data.get("author") or {}).get("id", 0))
            mentioned = any(int(m["id"]) == self.bot_user.id for m in data.get("mentions") or [])
            if author_id != self.bot_user.id and not mentioned:
                redacted = dict(data)
                redacted.update(content="", embeds=[], attachments=[], components=[])
                redacted.pop("poll", None)
                return redacted
        return data

    async def _send_dispatch_locked(self, session: _GatewaySession, event: str, data: Any) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        self.dispatched.append(DispatchedEvent(session.session_id, event, session.seq, data))
        conn = session.connection
        if conn is not None and not conn.closed:
            try:
                await conn.send(frame)
            except (ConnectionError, RuntimeError):
                log.debug("connection %s dropped while sending %s; buffered for resume", conn.number, event)

    def _live_connections(self) -> list[_GatewayConnection]:
        return [c for c in self._connections if not c.closed]

    @property
    def live_connection_count(self) -> int:
        """Number of open gateway websocket connections."""
        return len(self._live_connections())

    async def disconnect_gateway(self, code: int | None = 4000, reason: str = "", *, resumable: bool = True) -> int:
        """Drop every live gateway connection; returns how many were dropped.

        ``code`` is the websocket close code sent (4000 = unknown error, resumable); ``None`` aborts the TCP
        connection without a close frame. Sessions stay resumable unless ``resumable=False`` or the code is one
        that ends sessions (4004, 4007, 4009, 4010-4014): then the client's RESUME gets INVALID_SESSION.
        """
        connections = self._live_connections()
        if not connections:
            raise RuntimeError("no live gateway connection to disconnect")
        for conn in connections:
            if conn.session is not None and (not resumable or code in NON_RESUMABLE_CLOSE_CODES):
                conn.session.valid = False
            if code is None:
                conn.abort()
            else:
                await conn.close(code, reason)
        self._notify()
        return len(connections)

    @contextlib.asynccontextmanager
    async def gateway_paused(self) -> AsyncIterator[None]:
        """Hold new gateway connections (before HELLO) inside the block; they proceed when it exits.

        Lets a test dispatch events while the client is disconnected, so they are replayed on RESUME.
        """
        self._gateway_gate.clear()
        try:
            yield
        finally:
            self._gateway_gate.set()

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT on every live connection (the client should resume)."""
        for conn in self._live_connections():
            with contextlib.suppress(ConnectionError):
                await conn.send({"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION on every live connection (``resumable=False`` forces a new IDENTIFY)."""
        for conn in self._live_connections():
            if conn.session is not None and not resumable:
                conn.session.valid = False
            with contextlib.suppress(ConnectionError):
                await conn.send({"op": 9, "d": resumable, "s": None, "t": None})

    async def request_heartbeat(self) -> None:
        """Send op 1 HEARTBEAT (the client must answer with a heartbeat immediately)."""
        for conn in self._live_connections():
            with contextlib.suppress(ConnectionError):
                await conn.send({"op": 1, "d": None, "s": None, "t": None})

    # ------------------------------------------------------------------------------------------------------------
    # Gateway: server side
    # ------------------------------------------------------------------------------------------------------------

    async def _handle_gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=0, timeout=3.0)
        await ws.prepare(request)
        compress = self.compress_gateway and request.query.get("compress") == "zlib-stream"
        conn = _GatewayConnection(ws, request, compress=compress)
        self._connections.add(conn)
        self.gateway_connections.append({"path": conn.path, "query": dict(conn.query), "number": conn.number})
        self._notify()
        try:
            await self._gateway_gate.wait()
            if request.query.get("encoding", "json") != "json":
                await conn.close(4002, "Unsupported encoding")
                return ws
            await conn.send(
                {
                    "op": 10,
                    "d": {
                        "heartbeat_interval": self.heartbeat_interval,
                        "_trace": ['["gateway-prd-fake-1",{"micros":0}]'],
                    },
                    "s": None,
                    "t": None,
                }
            )
            while True:
                msg = await ws.receive()
                if msg.type == aiohttp.WSMsgType.TEXT:
                    try:
                        payload = json.loads(msg.data)
                    except ValueError:
                        await conn.close(4002, "Error while decoding payload.")
                        break
                    await self._on_gateway_payload(conn, payload)
                elif msg.type == aiohttp.WSMsgType.BINARY:
                    await conn.close(4002, "Error while decoding payload.")
                    break
                elif msg.type == aiohttp.WSMsgType.CLOSE:
                    conn.client_close_code = msg.data
                    break
                else:
                    break
        except Exception:
            self.server_errors.append(traceback.format_exc())
            log.exception("fake gateway crashed")
        finally:
            self._connections.discard(conn)
            session = conn.session
            self.close_codes.append(
                (
                    "client" if conn.client_close_code is not None else "server",
                    conn.client_close_code or conn.server_close_code,
                )
            )
            if session is not None and session.connection is conn:
                session.connection = None
                if conn.client_close_code in (1000, 1001) and conn.server_close_code is None:
                    session.valid = False  # a clean client close ends the session, as on Discord
            self._notify()
        return ws

    async def _on_gateway_payload(self, conn: _GatewayConnection, payload: Any) -> None:
        self.gateway_received.append(payload if isinstance(payload, dict) else {"invalid": payload})
        self._notify()
        if not isinstance(payload, dict):
            await conn.close(4002, "Error while decoding payload.")
            return
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            conn.heartbeats += 1
            self.heartbeat_count += 1
            self.last_heartbeat_seq = data
            if self.ack_heartbeats:
                await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data if isinstance(data, dict) else {})
        elif op == 6:
            await self._resume(conn, data if isinstance(data, dict) else {})
        elif conn.session is None:
            await conn.close(4003, "Not authenticated.")
        elif op == 3:
            self.presence_updates.append(data)
        elif op == 4:
            pass  # voice state updates are recorded in gateway_received only
        elif op == 8:
            await self._request_members(conn, data if isinstance(data, dict) else {})
        else:
            await conn.close(4001, "Unknown opcode.")
        self._notify()

    async def _identify(self, conn: _GatewayConnection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != self.token:
            await conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents & ~VALID_INTENTS:
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.allowed_privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard: tuple[int, int] | None = None
        if data.get("shard") is not None:
            shard_id, count = data["shard"]
            if not 0 <= shard_id < count:
                await conn.close(4010, "Invalid shard.")
                return
            shard = (int(shard_id), int(count))
        session = _GatewaySession(secrets.token_hex(16), copy.deepcopy(data), intents, shard)
        self._sessions[session.session_id] = session
        conn.session = session
        session.connection = conn
        self.identifies.append(copy.deepcopy(data))
        async with session.lock:
            await self._send_dispatch_locked(session, "READY", self.ready_payload(session.session_id, shard))
            for guild in self._bot_guilds(shard):
                await self._send_dispatch_locked(
                    session, "GUILD_CREATE", self.guild_create_payload(guild, intents=intents)
                )
        self.ready_count += 1

    async def _resume(self, conn: _GatewayConnection, data: dict[str, Any]) -> None:
        session = self._sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.buffer[0]["s"] if session and session.buffer else 1
        if session is None or not session.valid or data.get("token") != self.token or seq < oldest - 1:
            self.invalid_session_count += 1
            await asyncio.sleep(0.05)
            with contextlib.suppress(ConnectionError):
                await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        previous = session.connection
        if previous is not None and previous is not conn and not previous.closed:
            await previous.close(4000, "Session resumed elsewhere")
        conn.session = session
        async with session.lock:
            session.connection = conn
            for frame in list(session.buffer):
                if frame["s"] > seq:
                    await conn.send(frame)
            await self._send_dispatch_locked(session, "RESUMED", {"_trace": ['["gateway-prd-fake-1",{"micros":0}]']})
        self.resumes.append(copy.deepcopy(data))

    async def _request_members(self, conn: _GatewayConnection, data: dict[str, Any]) -> None:
        session = conn.session
        assert session is not None
        guild = self.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        members = list(guild.members.values())
        not_found: list[str] = []
        user_ids = data.get("user_ids")
        if user_ids is not None:
            wanted = [int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])]
            members = [m for m in members if m.user.id in wanted]
            not_found = [str(u) for u in wanted if u not in guild.members]
        else:
            query = str(data.get("query") or "").lower()
            members = [
                m
                for m in members
                if m.user.username.lower().startswith(query) or (m.nick or "").lower().startswith(query)
            ]
            limit = int(data.get("limit") or 0)
            if limit:
                members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": not_found,
        }
        if data.get("presences"):
            chunk["presences"] = []
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        async with session.lock:
            await self._send_dispatch_locked(session, "GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------------------------------------------------
    # REST: plumbing
    # ------------------------------------------------------------------------------------------------------------

    def rate_limit_next(
        self,
        method: str,
        path_regex: str,
        retry_after: float = 0.3,
        count: int = 1,
        *,
        is_global: bool = False,
        scope: str = "user",
    ) -> None:
        """Answer the next ``count`` requests matching method and ``re.fullmatch(path_regex)`` with a 429.

        The response carries Discord's headers (incl. ``Via``, without which discord.py treats a 429 as a
        Cloudflare ban) and body ``{"message", "retry_after", "global", "code"}``; discord.py sleeps and retries.
        """
        self._rate_limits.append(
            _RateLimitRule(method.upper(), re.compile(path_regex), retry_after, count, is_global, scope)
        )

    def _add_route(
        self, method: str, template: str, handler: Callable[[_Call], Awaitable[tuple[int, Any]]], *, auth: bool = True
    ) -> None:
        regex = re.compile(
            "^"
            + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
            + "$"
        )
        self._routes.append(_Route(method, template, regex, handler, auth))

    def _build_routes(self) -> None:
        r = self._add_route
        r("GET", "/users/@me", self._api_get_me)
        r("POST", "/users/@me/channels", self._api_create_dm)
        r("GET", "/users/{user_id}", self._api_get_user)
        r("GET", "/gateway", self._api_gateway, auth=False)
        r("GET", "/gateway/bot", self._api_gateway_bot)
        r("GET", "/oauth2/applications/@me", self._api_application)
        r("GET", "/applications/@me", self._api_application)
        r("PATCH", "/applications/@me", self._api_edit_application)
        for prefix in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
            r("GET", prefix + "/commands/permissions", self._api_all_command_permissions)
            r("GET", prefix + "/commands", self._api_list_commands)
            r("PUT", prefix + "/commands", self._api_bulk_commands)
            r("POST", prefix + "/commands", self._api_create_command)
            r("GET", prefix + "/commands/{command_id}/permissions", self._api_command_permissions)
            r("GET", prefix + "/commands/{command_id}", self._api_get_command)
            r("PATCH", prefix + "/commands/{command_id}", self._api_edit_command)
            r("DELETE", prefix + "/commands/{command_id}", self._api_delete_command)
        r("GET", "/channels/{channel_id}", self._api_get_channel)
        r("GET", "/channels/{channel_id}/messages", self._api_history)
        r("POST", "/channels/{channel_id}/messages", self._api_create_message)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self._api_get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self._api_edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self._api_delete_message)
        r("POST", "/channels/{channel_id}/typing", self._api_typing)
        r("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._api_add_reaction)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._api_remove_own_reaction)
        r(
            "DELETE",
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
            self._api_remove_reaction,
        )
        r("GET", "/guilds/{guild_id}", self._api_get_guild)
        r("GET", "/guilds/{guild_id}/channels", self._api_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self._api_guild_roles)
        r("GET", "/guilds/{guild_id}/members", self._api_guild_members)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self._api_guild_member)
        r("POST", "/interactions/{interaction_id}/{token}/callback", self._api_interaction_callback, auth=False)
        r("POST", "/webhooks/{webhook_id}/{token}", self._api_execute_webhook, auth=False)
        r("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self._api_get_webhook_message, auth=False)
        r("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self._api_edit_webhook_message, auth=False)
        r(
            "DELETE",
            "/webhooks/{webhook_id}/{token}/messages/{message_id}",
            self._api_delete_webhook_message,
            auth=False,
        )

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        files: list[RecordedFile] = []
        if request.content_type.startswith("multipart/"):
            body: Any = {}
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                raw = await part.read(decode=False)
                if part.name == "payload_json":
                    body = json.loads(raw.decode())
                else:
                    files.append(
                        RecordedFile(part.name or "", part.filename, part.headers.get("Content-Type"), bytes(raw))
                    )
            return body, files
        raw_body = await request.read()
        if not raw_body:
            return None, files
        if request.content_type == "application/json":
            return json.loads(raw_body.decode()), files
        return raw_body.decode(errors="replace"), files

    def _json_response(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
        all_headers = {"Via": "1.1 google", "X-Fake-Discord": "1"}
        all_headers.update(headers or {})
        if status == 204 or body is None:
            return web.Response(status=204 if status < 300 else status, headers=all_headers)
        # Exactly "application/json": discord.py compares the header verbatim before decoding JSON.
        all_headers["Content-Type"] = "application/json"
        return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)

    def _ratelimit_headers(self, route: str) -> dict[str, str]:
        if not self.rate_limit_headers:
            return {}
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": secrets.token_hex(4) if route == "?" else f"{abs(hash(route)) & 0xFFFFFFFF:08x}",
        }

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        json_body, files = await self._read_body(request)
        record = self._record(request, request.path, None, json_body, files)
        return self._finish(record, 404, {"message": "404: Not Found", "code": 0})

    def _record(
        self, request: web.Request, path: str, version: int | None, body: Any, files: list[RecordedFile]
    ) -> RecordedRequest:
        record = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=body,
            files=files,
            api_version=version,
        )
        self.requests.append(record)
        return record

    def _finish(
        self, record: RecordedRequest, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> web.Response:
        record.status = 204 if status < 300 and body is None else status
        record.response = copy.deepcopy(body)
        record.completed = True
        self._notify()
        return self._json_response(status, body, headers)

    async def _handle_api(self, request: web.Request) -> web.Response:
        version = int(request.match_info["version"])
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        record = self._record(request, path, version, body, files)
        route, params, path_matched = None, {}, False
        for candidate in self._routes:
            match = candidate.regex.match(path)
            if match is None:
                continue
            path_matched = True
            if candidate.method == request.method:
                route, params = candidate, match.groupdict()
                break
        if route is None:
            if path_matched:
                return self._finish(record, 405, {"message": "405: Method Not Allowed", "code": 0})
            return self._finish(record, 404, {"message": "404: Not Found", "code": 0})
        record.route = f"{route.method} {route.template}"
        if route.auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._finish(record, 401, {"message": "401: Unauthorized", "code": 0})
        limited = self._take_rate_limit(request.method, path)
        if limited is not None:
            record.rate_limited = True
            reset_after = f"{limited.retry_after:.3f}"
            headers = {
                "Retry-After": str(max(1, int(limited.retry_after + 0.999))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + limited.retry_after:.3f}",
                "X-RateLimit-Reset-After": reset_after,
                "X-RateLimit-Bucket": f"{abs(hash(record.route)) & 0xFFFFFFFF:08x}",
                "X-RateLimit-Scope": limited.scope,
            }
            if limited.is_global:
                headers["X-RateLimit-Global"] = "true"
            body = {
                "message": "You are being rate limited.",
                "retry_after": limited.retry_after,
                "global": limited.is_global,
                "code": 0,
            }
            return self._finish(record, 429, body, headers)
        try:
            status, response = await route.handler(_Call(request, record, params))
        except DiscordAPIError as error:
            return self._finish(record, error.status, error.payload(), self._ratelimit_headers(record.route))
        except Exception as error:  # a bug in the fake: answer 400 (not 500, which discord.py retries for ~25 s)
            self.server_errors.append(traceback.format_exc())
            log.exception("fake discord route %s crashed", record.route)
            return self._finish(record, 400, {"message": f"fake discord internal error: {error!r}", "code": 0})
        return self._finish(record, status, response, self._ratelimit_headers(record.route))

    def _take_rate_limit(self, method: str, path: str) -> _RateLimitRule | None:
        for rule in self._rate_limits:
            if rule.remaining > 0 and rule.method == method and rule.pattern.fullmatch(path):
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._rate_limits.remove(rule)
                return rule
        return None

    async def _handle_attachment(self, request: web.Request) -> web.Response:
        upload = self.attachments.get(int(request.match_info["attachment_id"]))
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")

    async def _handle_cdn(self, request: web.Request) -> web.Response:
        return web.Response(body=TINY_PNG, content_type="image/png")

    # ------------------------------------------------------------------------------------------------------------
    # REST: users, gateway, application
    # ------------------------------------------------------------------------------------------------------------

    async def _api_get_me(self, call: _Call) -> tuple[int, Any]:
        return 200, self.client_user_payload()

    async def _api_get_user(self, call: _Call) -> tuple[int, Any]:
        user = self.users.get(call.snowflake("user_id"))
        if user is None:
            raise not_found(UNKNOWN_USER, "Unknown User")
        return 200, user.payload()

    async def _api_create_dm(self, call: _Call) -> tuple[int, Any]:
        recipient = call.body.get("recipient_id")
        if recipient is None or int(recipient) not in self.users:
            errors = FormErrors()
            errors.add(
                ["recipient_id"],
                "BASE_TYPE_REQUIRED" if recipient is None else "NUMBER_TYPE_COERCE",
                "Invalid recipient",
            )
            errors.raise_if_any()
        return 200, self.get_dm_channel(int(recipient)).payload()

    async def _api_gateway(self, call: _Call) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _api_gateway_bot(self, call: _Call) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        }

    async def _api_application(self, call: _Call) -> tuple[int, Any]:
        return 200, self.application_payload()

    async def _api_edit_application(self, call: _Call) -> tuple[int, Any]:
        payload = self.application_payload()
        payload.update(
            {k: v for k, v in call.body.items() if k in ("description", "tags", "interactions_endpoint_url")}
        )
        return 200, payload

    # ------------------------------------------------------------------------------------------------------------
    # REST: application commands
    # ------------------------------------------------------------------------------------------------------------

    def _commands_for_call(self, call: _Call) -> tuple[dict[int, dict[str, Any]], int | None]:
        if call.snowflake("application_id") != self.application_id:
            raise missing_access()
        guild_id = call.snowflake("guild_id") if "guild_id" in call.params else None
        return self._command_bucket(guild_id), guild_id

    async def _api_list_commands(self, call: _Call) -> tuple[int, Any]:
        bucket, _ = self._commands_for_call(call)
        return 200, copy.deepcopy(list(bucket.values()))

    async def _api_bulk_commands(self, call: _Call) -> tuple[int, Any]:
        bucket, guild_id = self._commands_for_call(call)
        payload = call.record.json
        validate_command_list(payload)
        existing = {(c.get("type", 1), c["name"]): int(c["id"]) for c in bucket.values()}
        new_bucket: dict[int, dict[str, Any]] = {}
        for item in payload:
            command_id = existing.get((item.get("type", 1), item["name"]))
            command = self._build_command(item, guild_id, command_id)
            new_bucket[int(command["id"])] = command
        bucket.clear()
        bucket.update(new_bucket)
        return 200, copy.deepcopy(list(bucket.values()))

    async def _api_create_command(self, call: _Call) -> tuple[int, Any]:
        bucket, guild_id = self._commands_for_call(call)
        errors = FormErrors()
        validate_command(call.body, errors, [])
        errors.raise_if_any()
        key = (call.body.get("type", 1), call.body["name"])
        existing = next((int(c["id"]) for c in bucket.values() if (c.get("type", 1), c["name"]) == key), None)
        command = self._build_command(call.body, guild_id, existing)
        bucket[int(command["id"])] = command
        return (200 if existing else 201), copy.deepcopy(command)

    def _get_command(self, call: _Call) -> tuple[dict[int, dict[str, Any]], int | None, dict[str, Any]]:
        bucket, guild_id = self._commands_for_call(call)
        command = bucket.get(call.snowflake("command_id"))
        if command is None:
            raise not_found(UNKNOWN_APPLICATION_COMMAND, "Unknown application command")
        return bucket, guild_id, command

    async def _api_get_command(self, call: _Call) -> tuple[int, Any]:
        return 200, copy.deepcopy(self._get_command(call)[2])

    async def _api_edit_command(self, call: _Call) -> tuple[int, Any]:
        bucket, guild_id, command = self._get_command(call)
        merged = {**command, **call.body}
        errors = FormErrors()
        validate_command(merged, errors, [])
        errors.raise_if_any()
        updated = self._build_command(merged, guild_id, int(command["id"]))
        bucket[int(command["id"])] = updated
        return 200, copy.deepcopy(updated)

    async def _api_delete_command(self, call: _Call) -> tuple[int, Any]:
        bucket, _, command = self._get_command(call)
        del bucket[int(command["id"])]
        return 204, None

    async def _api_all_command_permissions(self, call: _Call) -> tuple[int, Any]:
        self._commands_for_call(call)
        return 200, []

    async def _api_command_permissions(self, call: _Call) -> tuple[int, Any]:
        self._get_command(call)
        raise not_found(10066, "Unknown application command permissions")

    # ------------------------------------------------------------------------------------------------------------
    # REST: channels and messages
    # ------------------------------------------------------------------------------------------------------------

    def _channel_for_call(self, call: _Call, *, need: int = PERM_VIEW_CHANNEL) -> FakeChannel:
        channel = self.channels.get(call.snowflake("channel_id"))
        if channel is None:
            raise not_found(UNKNOWN_CHANNEL, "Unknown Channel")
        permissions = self.permissions_for(self.bot_user, channel)
        if not permissions & PERM_VIEW_CHANNEL:
            raise missing_access()
        if permissions & need != need:
            raise missing_permissions()
        return channel

    def _message_for_call(self, call: _Call, channel: FakeChannel) -> dict[str, Any]:
        message = self.messages.get(call.snowflake("message_id"))
        if (
            message is None
            or int(message["channel_id"]) != channel.id
            or message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL
        ):
            raise not_found(UNKNOWN_MESSAGE, "Unknown Message")
        return message

    async def _api_get_channel(self, call: _Call) -> tuple[int, Any]:
        return 200, self._channel_for_call(call).payload()

    async def _api_history(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_READ_MESSAGE_HISTORY)
        ids = list(self._channel_messages.get(channel.id, []))
        query = call.record.query
        limit = max(1, min(100, int(query.get("limit", 50))))
        if "before" in query:
            ids = [i for i in ids if i < int(query["before"])]
        if "after" in query:
            ids = [i for i in ids if i > int(query["after"])][:limit]
        visible = [
            i for i in ids if i in self.messages and not self.messages[i].get("flags", 0) & MESSAGE_FLAG_EPHEMERAL
        ]
        return 200, [copy.deepcopy(self.messages[i]) for i in sorted(visible, reverse=True)[:limit]]

    async def _api_get_message(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_READ_MESSAGE_HISTORY)
        return 200, copy.deepcopy(self._message_for_call(call, channel))

    async def _api_create_message(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES)
        if channel.is_dm and channel.recipients and channel.recipients[0].id in self.dm_blocked_user_ids:
            raise DiscordAPIError(403, 50007, "Cannot send messages to this user")
        body = call.body
        files = call.files
        validate_message_payload(body, file_count=len(files))
        permissions = self.permissions_for(self.bot_user, channel)
        if files and not permissions & PERM_ATTACH_FILES:
            raise missing_permissions()
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing_id = self._nonces.get((channel.id, str(nonce)))
            if existing_id is not None and existing_id in self.messages:
                return 200, copy.deepcopy(self.messages[existing_id])
        referenced = self._resolve_message_reference(body.get("message_reference"), channel, permissions)
        message = self._create_bot_message(channel, body, files, referenced=referenced, permissions=permissions)
        if nonce is not None:
            self._nonces[(channel.id, str(nonce))] = int(message["id"])
        if self.echo_own_messages:
            await self._broadcast("MESSAGE_CREATE", self._gateway_message(message))
        return 200, copy.deepcopy(message)

    def _resolve_message_reference(
        self, reference: Any, channel: FakeChannel, permissions: int
    ) -> dict[str, Any] | None:
        if not isinstance(reference, Mapping) or reference.get("message_id") is None:
            return None
        if not permissions & PERM_READ_MESSAGE_HISTORY:
            raise missing_permissions()
        referenced = self.messages.get(int(reference["message_id"]))
        if referenced is None or int(referenced["channel_id"]) != int(reference.get("channel_id") or channel.id):
            if reference.get("fail_if_not_exists", True):
                errors = FormErrors()
                errors.add(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
                errors.raise_if_any()
            return None
        return referenced

    def _create_bot_message(
        self,
        channel: FakeChannel,
        body: Mapping[str, Any],
        files: Sequence[RecordedFile],
        *,
        referenced: Mapping[str, Any] | None = None,
        permissions: int | None = None,
        interaction: FakeInteraction | None = None,
        message_type: int | None = None,
        flags: int | None = None,
    ) -> dict[str, Any]:
        if permissions is None:
            permissions = self.permissions_for(self.bot_user, channel)
        parsed = parse_mentions(
            body.get("content"),
            body.get("allowed_mentions"),
            replied_user_id=int(referenced["author"]["id"]) if referenced else None,
        )
        return self._new_message(
            channel,
            self.bot_user,
            content=body.get("content"),
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            mention_user_ids=parsed.users,
            mention_role_ids=parsed.roles if not channel.is_dm else [],
            mention_everyone=parsed.everyone and bool(permissions & PERM_MENTION_EVERYONE),
            referenced=referenced,
            files=files,
            attachment_meta=list(body.get("attachments") or []),
            flags=int(body.get("flags") or 0) if flags is None else flags,
            tts=bool(body.get("tts")),
            nonce=body.get("nonce"),
            message_type=message_type,
            interaction=interaction,
        )

    def _apply_edit(self, message: dict[str, Any], body: Mapping[str, Any], files: Sequence[RecordedFile]) -> None:
        """Apply a PATCH body to a stored message, validating the result like Discord."""
        channel = self.channels[int(message["channel_id"])]
        merged = dict(message)
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in body:
                merged[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "attachments" in body or files:
            # Existing attachments are listed by their snowflake; new uploads by their files[n] index.
            existing_ids = {a["id"] for a in message.get("attachments", [])}
            listed = body.get("attachments")
            if listed is None:
                kept, new_meta = list(message.get("attachments", [])), []
            else:
                listed_ids = {str(a.get("id")) for a in listed}
                kept = [a for a in message.get("attachments", []) if a["id"] in listed_ids]
                new_meta = [a for a in listed if str(a.get("id")) not in existing_ids]
            merged["attachments"] = kept + self._make_attachments(channel, files, new_meta)
        flags = int(merged.get("flags") or 0)
        validate_message_payload(
            {**merged, "flags": flags & ~(MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)},
            file_count=len(merged.get("attachments") or []),
        )
        message["content"] = merged.get("content") or ""
        message["embeds"] = [self._normalise_embed(e) for e in merged.get("embeds") or []]
        message["components"] = copy.deepcopy(merged.get("components") or [])
        message["attachments"] = merged.get("attachments") or []
        keep_flags = int(message.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
        message["flags"] = (flags & ~MESSAGE_FLAG_LOADING & ~MESSAGE_FLAG_EPHEMERAL) | keep_flags
        if "content" in body or "allowed_mentions" in body:
            parsed = parse_mentions(message["content"], merged.get("allowed_mentions"))
            message["mentions"] = [self.users[u].payload() for u in parsed.users if u in self.users]
            message["mention_roles"] = [str(r) for r in parsed.roles]
        message["edited_timestamp"] = iso_timestamp()
        self._notify()

    async def _api_edit_message(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call)
        message = self._message_for_call(call, channel)
        if int(message["author"]["id"]) != self.bot_user.id:
            raise DiscordAPIError(403, CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user")
        self._apply_edit(message, call.body, call.files)
        if self.echo_own_messages:
            await self._broadcast("MESSAGE_UPDATE", self._gateway_message(message))
        return 200, copy.deepcopy(message)

    async def _api_delete_message(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call)
        message = self._message_for_call(call, channel)
        if int(message["author"]["id"]) != self.bot_user.id:
            if channel.is_dm:
                raise DiscordAPIError(403, 50003, "Cannot execute action on a DM channel")
            if not self.permissions_for(self.bot_user, channel) & PERM_MANAGE_MESSAGES:
                raise missing_permissions()
        self._remove_message(int(message["id"]))
        await self._broadcast("MESSAGE_DELETE", self._delete_event(message))
        return 204, None

    async def _api_typing(self, call: _Call) -> tuple[int, Any]:
        self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES)
        return 204, None

    async def _api_add_reaction(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_READ_MESSAGE_HISTORY)
        message = self._message_for_call(call, channel)
        emoji = call.params["emoji"]
        existing = {f"{r['emoji']['name']}:{r['emoji']['id']}" for r in message.get("reactions", [])}
        payload = self._emoji_payload(emoji)
        if (
            f"{payload['name']}:{payload['id']}" not in existing
            and not self.permissions_for(self.bot_user, channel) & PERM_ADD_REACTIONS
        ):
            raise missing_permissions()
        if self._apply_reaction(message, self.bot_user.id, emoji, add=True):
            await self._broadcast("MESSAGE_REACTION_ADD", self._reaction_event(message, self.bot_user, emoji))
        return 204, None

    async def _api_remove_own_reaction(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call)
        message = self._message_for_call(call, channel)
        if self._apply_reaction(message, self.bot_user.id, call.params["emoji"], add=False):
            event = self._reaction_event(message, self.bot_user, call.params["emoji"])
            event.pop("member", None)
            await self._broadcast("MESSAGE_REACTION_REMOVE", event)
        return 204, None

    async def _api_remove_reaction(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_MANAGE_MESSAGES)
        message = self._message_for_call(call, channel)
        user = self.users.get(call.snowflake("user_id"))
        if user is None:
            raise not_found(UNKNOWN_USER, "Unknown User")
        if self._apply_reaction(message, user.id, call.params["emoji"], add=False):
            event = self._reaction_event(message, user, call.params["emoji"])
            event.pop("member", None)
            await self._broadcast("MESSAGE_REACTION_REMOVE", event)
        return 204, None

    # ------------------------------------------------------------------------------------------------------------
    # REST: guilds
    # ------------------------------------------------------------------------------------------------------------

    def _guild_for_call(self, call: _Call) -> FakeGuild:
        guild = self.guilds.get(call.snowflake("guild_id"))
        if guild is None:
            raise not_found(UNKNOWN_GUILD, "Unknown Guild")
        if self.bot_user.id not in guild.members:
            raise missing_access()
        return guild

    async def _api_get_guild(self, call: _Call) -> tuple[int, Any]:
        guild = self._guild_for_call(call)
        data = guild.payload()
        if call.flag("with_counts"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return 200, data

    async def _api_guild_channels(self, call: _Call) -> tuple[int, Any]:
        guild = self._guild_for_call(call)
        return 200, [c.payload() for c in sorted(guild.channels.values(), key=lambda c: (c.position, c.id))]

    async def _api_guild_roles(self, call: _Call) -> tuple[int, Any]:
        guild = self._guild_for_call(call)
        return 200, [r.payload() for r in sorted(guild.roles.values(), key=lambda r: (r.position, r.id))]

    async def _api_guild_members(self, call: _Call) -> tuple[int, Any]:
        guild = self._guild_for_call(call)
        limit = max(1, min(1000, int(call.record.query.get("limit", 1))))
        after = int(call.record.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return 200, [m.payload() for m in members[:limit]]

    async def _api_guild_member(self, call: _Call) -> tuple[int, Any]:
        guild = self._guild_for_call(call)
        member = guild.members.get(call.snowflake("user_id"))
        if member is None:
            raise not_found(UNKNOWN_MEMBER, "Unknown Member")
        return 200, member.payload()

    # ------------------------------------------------------------------------------------------------------------
    # REST: interactions and their webhooks
    # ------------------------------------------------------------------------------------------------------------

    async def _api_interaction_callback(self, call: _Call) -> tuple[int, Any]:
        interaction = self.interactions.get(call.snowflake("interaction_id"))
        if interaction is None or interaction.token != call.params["token"]:
            raise not_found(UNKNOWN_INTERACTION, "Unknown interaction")
        interaction.callbacks.append(call.record)
        if interaction.acknowledged:
            raise DiscordAPIError(400, INTERACTION_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        if asyncio.get_running_loop().time() - interaction.created_at > self.interaction_timeout:
            raise not_found(UNKNOWN_INTERACTION, "Unknown interaction")
        body = call.body
        callback_type = body.get("type")
        data = dict(body.get("data") or {})
        if callback_type not in ALLOWED_CALLBACKS.get(interaction.type, frozenset()):
            errors = FormErrors()
            errors.add(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Invalid callback type {callback_type} for interaction type {interaction.type}",
            )
            errors.raise_if_any()
        channel = self.channels[interaction.channel_id]
        message: dict[str, Any] | None = None
        if callback_type == CALLBACK_CHANNEL_MESSAGE:
            validate_message_payload(data, file_count=len(call.files), allowed_flags=INTERACTION_MESSAGE_FLAGS_ALLOWED)
            message = self._create_bot_message(
                channel,
                data,
                call.files,
                interaction=interaction,
                message_type=self._response_message_type(interaction),
            )
            interaction.original_message_id = int(message["id"])
        elif callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            flags = (int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL) | MESSAGE_FLAG_LOADING
            message = self._create_bot_message(
                channel,
                {},
                [],
                interaction=interaction,
                message_type=self._response_message_type(interaction),
                flags=flags,
            )
            interaction.original_message_id = int(message["id"])
        elif callback_type in (CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE):
            if interaction.component_message_id is None or interaction.component_message_id not in self.messages:
                errors = FormErrors()
                errors.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "No message to update")
                errors.raise_if_any()
            interaction.original_message_id = interaction.component_message_id
            if callback_type == CALLBACK_UPDATE_MESSAGE:
                message = self.messages[interaction.component_message_id or 0]
                self._apply_edit(message, data, call.files)
        elif callback_type == CALLBACK_AUTOCOMPLETE_RESULT:
            validate_autocomplete_choices(data)
        elif callback_type == CALLBACK_MODAL:
            validate_modal(data)
            interaction.modal = copy.deepcopy(data)
        interaction.response_type = callback_type
        interaction.response_data = copy.deepcopy(data)
        if message is not None and not message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL and self.echo_own_messages:
            event = "MESSAGE_UPDATE" if callback_type == CALLBACK_UPDATE_MESSAGE else "MESSAGE_CREATE"
            await self._broadcast(event, self._gateway_message(message))
        self._notify()
        if not call.flag("with_response"):
            return 204, None
        info: dict[str, Any] = {
            "id": str(interaction.id),
            "type": interaction.type,
            "response_message_loading": callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL),
        }
        if interaction.original_message_id is not None:
            info["response_message_id"] = str(interaction.original_message_id)
        resource: dict[str, Any] = {"type": callback_type}
        if message is not None and callback_type in (CALLBACK_CHANNEL_MESSAGE, CALLBACK_UPDATE_MESSAGE):
            resource["message"] = copy.deepcopy(message)
        return 200, {"interaction": info, "resource": resource}

    @staticmethod
    def _response_message_type(interaction: FakeInteraction) -> int:
        if interaction.type == INTERACTION_APPLICATION_COMMAND:
            command_type = (interaction.payload.get("data") or {}).get("type", 1)
            return MESSAGE_TYPE_CHAT_INPUT_COMMAND if command_type == 1 else MESSAGE_TYPE_CONTEXT_MENU_COMMAND
        return MESSAGE_TYPE_DEFAULT

    def _interaction_for_webhook(self, call: _Call) -> FakeInteraction:
        webhook_id = call.snowflake("webhook_id")
        token = call.params["token"]
        interaction = next((i for i in self.interactions.values() if i.token == token), None)
        if webhook_id != self.application_id or interaction is None or not interaction.acknowledged:
            raise not_found(UNKNOWN_WEBHOOK, "Unknown Webhook")
        return interaction

    def _webhook_message(self, call: _Call, interaction: FakeInteraction) -> dict[str, Any]:
        raw = call.params["message_id"]
        if raw == "@original":
            message_id = interaction.original_message_id
        else:
            message_id = call.snowflake("message_id")
            allowed = {*interaction.followup_message_ids, interaction.original_message_id}
            if message_id not in allowed:
                message_id = None
        if message_id is None or message_id not in self.messages:
            raise not_found(UNKNOWN_MESSAGE, "Unknown Message")
        return self.messages[message_id]

    async def _api_execute_webhook(self, call: _Call) -> tuple[int, Any]:
        interaction = self._interaction_for_webhook(call)
        body = call.body
        validate_message_payload(body, file_count=len(call.files), allowed_flags=INTERACTION_MESSAGE_FLAGS_ALLOWED)
        original = self.messages.get(interaction.original_message_id or 0)
        if original is not None and original.get("flags", 0) & MESSAGE_FLAG_LOADING:
            # The first follow-up after a "thinking" defer replaces the loading message, as on Discord.
            self._apply_edit(original, {**body, "flags": int(body.get("flags") or 0)}, call.files)
            message = original
            event = "MESSAGE_UPDATE"
        else:
            channel = self.channels[interaction.channel_id]
            message = self._create_bot_message(channel, body, call.files, interaction=interaction)
            interaction.followup_message_ids.append(int(message["id"]))
            event = "MESSAGE_CREATE"
        if not message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL and self.echo_own_messages:
            await self._broadcast(event, self._gateway_message(message))
        if not call.flag("wait"):
            return 204, None
        return 200, copy.deepcopy(message)

    async def _api_get_webhook_message(self, call: _Call) -> tuple[int, Any]:
        interaction = self._interaction_for_webhook(call)
        return 200, copy.deepcopy(self._webhook_message(call, interaction))

    async def _api_edit_webhook_message(self, call: _Call) -> tuple[int, Any]:
        interaction = self._interaction_for_webhook(call)
        message = self._webhook_message(call, interaction)
        self._apply_edit(message, call.body, call.files)
        if not message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL and self.echo_own_messages:
            await self._broadcast("MESSAGE_UPDATE", self._gateway_message(message))
        return 200, copy.deepcopy(message)

    async def _api_delete_webhook_message(self, call: _Call) -> tuple[int, Any]:
        interaction = self._interaction_for_webhook(call)
        message = self._webhook_message(call, interaction)
        self._remove_message(int(message["id"]))
        if not message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL:
            await self._broadcast("MESSAGE_DELETE", self._delete_event(message))
        return 204, None
