"""A local emulated Discord (REST API + gateway) that the unmodified bot (discord.py) logs into.

Usage::

    fd = FakeDiscord()
    async with fd:
        fd.patch_discord()
        async with fd.run_client(bot):              # start(fd.token), wait ready, close on exit
            await fd.send_message(fd.channel, fd.user, f"<@{fd.bot_user.id}> what is phishing")
            request = await fd.wait_for_request("POST", rf"/channels/{fd.channel.id}/messages")
            assert request.json["allowed_mentions"] == {"parse": []}

The server listens on ``127.0.0.1`` only: ``/api/v10/...`` (REST) and ``/gateway`` + ``/resume-gateway``
(websocket, JSON text frames). It emulates what the bot reaches and nothing more: login, READY/GUILD_CREATE,
heartbeats, RESUME after a dropped connection, command sync (bulk PUT), messages, interaction callbacks and
follow-ups. A request for anything else is answered 404 and fails the test (``assert_no_unhandled_requests``);
valid Discord behaviour that is not emulated raises :class:`NotEmulated` (recorded as an internal error).

API overview (see the docstrings):

* World: ``bot_user``, ``application_id``, ``owner`` (owns the guild and the application), ``user`` (a regular
  member), ``guild``, ``channel``, ``token``, ``team``; ``add_user``, ``add_text_channel``, ``add_role``,
  ``add_member``, ``set_permission_overwrite``, ``get_dm_channel``, ``permissions_for``.
* Users acting: ``send_message``, ``send_dm``, ``send_slash_command``, ``send_autocomplete``, ``click_button``,
  ``choose_select``. A command the Discord client would not offer the user (``default_member_permissions``,
  ``contexts``/``dm_permission``) raises :class:`CommandNotInvocable` and sends nothing.
* Observation: ``requests`` (+ ``find_requests``, ``wait_for_request``, ``unhandled_requests``,
  ``assert_no_unhandled_requests``), ``sent_messages``, ``wait_for_message``, ``message``,
  ``commands``/``find_command``, ``interactions`` (+ ``wait_for_callback``, ``original_response``,
  ``wait_for_response_message``), ``identifies``, ``resumes``, ``gateway_received``, ``gateway_connections``,
  ``dispatched``, ``dropped_events``, ``close_codes``, ``heartbeat_count``, ``last_heartbeat_seq``, ``wait_for``,
  ``wait_ready``, ``wait_resumed``.
* Faults: ``rate_limit_next``, ``disconnect_gateway``, ``gateway_paused``, ``interaction_timeout``,
  ``allowed_privileged_intents``.

Realism: Discord's validation of messages and command schemas (fake_discord_validation), permission checks,
who may invoke which command, intent filtering (incl. MESSAGE_CONTENT redaction), the 3 second interaction
deadline, ``allowed_mentions`` resolution, echo of the bot's own messages, resumable sessions with replay, and
429 responses shaped like Discord's (``Via`` header + ``retry_after`` body).
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
import re
import secrets
import socket
import time
import traceback
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

from .fake_discord_commands import CommandNotInvocable, check_invocable
from .fake_discord_validation import (
    INTERACTION_ALREADY_ACKNOWLEDGED,
    INTERACTION_MESSAGE_FLAGS_ALLOWED,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_WEBHOOK,
    DiscordAPIError,
    FormErrors,
    iter_components,
    missing_access,
    missing_permissions,
    not_found,
    validate_autocomplete_choices,
    validate_command_list,
    validate_message_payload,
)
from .fake_discord_world import (
    CHANNEL_DM,
    CHANNEL_GUILD_TEXT,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILD_PRESENCES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    PERM_ADD_REACTIONS,
    PERM_ATTACH_FILES,
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
    "CommandNotInvocable",
    "FakeDiscord",
    "FakeInteraction",
    "NetworkGuard",
    "NotEmulated",
    "RecordedRequest",
    "block_external_network",
]

log = logging.getLogger("fake_discord")

T = TypeVar("T")

# Interaction types and the callback types Discord allows for each.
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    INTERACTION_APPLICATION_COMMAND: frozenset({4, 5, 9, 12}),
    INTERACTION_MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9, 12}),
    INTERACTION_AUTOCOMPLETE: frozenset({8}),
}

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_REPLY = 19
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20

# Option types.
OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
OPT_STRING = 3
OPT_INTEGER = 4
OPT_BOOLEAN = 5
OPT_CHANNEL = 7
OPT_NUMBER = 10

DM_PERMISSIONS = (
    PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES | PERM_READ_MESSAGE_HISTORY | PERM_ADD_REACTIONS | PERM_ATTACH_FILES
) | (1 << 14)

# Which intent a gateway event the fake sends needs: (in a guild, in a DM). ``None`` means always delivered.
EVENT_INTENTS: dict[str, tuple[int, int | None]] = {
    "GUILD_CREATE": (INTENT_GUILDS, None),
    "MESSAGE_CREATE": (INTENT_GUILD_MESSAGES, INTENT_DIRECT_MESSAGES),
    "MESSAGE_UPDATE": (INTENT_GUILD_MESSAGES, INTENT_DIRECT_MESSAGES),
}


class NotEmulated(Exception):
    """Valid Discord behaviour the emulator deliberately does not implement (the bot does not use it)."""


# ---------------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One HTTP request received by the fake (REST, webhook, interaction callback, or unknown)."""

    index: int
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
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
    """An interaction a user made, plus everything the bot did in response."""

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

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        _GatewayConnection._counter += 1
        self.number = _GatewayConnection._counter
        self.ws = ws
        self.path = request.path
        self.query = dict(request.query)
        self.session: _GatewaySession | None = None
        self.client_close_code: int | None = None
        self.server_close_code: int | None = None
        self._lock = asyncio.Lock()

    @property
    def closed(self) -> bool:
        return self.ws.closed

    async def send(self, payload: Mapping[str, Any]) -> None:
        # Plain JSON text frames even when discord.py asks for zlib-stream: it accepts both.
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.closed:
                raise ConnectionResetError("gateway connection is closed")
            await self.ws.send_str(text)

    async def close(self, code: int, reason: str = "") -> None:
        self.server_close_code = code
        if not self.ws.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), timeout=3.0)


class _GatewaySession:
    """A gateway session (survives reconnects via RESUME)."""

    def __init__(self, session_id: str, intents: int) -> None:
        self.session_id = session_id
        self.intents = intents
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

    def snowflake(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            errors = FormErrors()
            errors.add([name], "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')
            errors.raise_if_any()
        return int(value)

    def flag(self, name: str) -> bool:
        return self.record.query.get(name, "").lower() in ("1", "true")


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

    Construct it, optionally shape the world (``add_user``, ``add_role``, ``add_member`` ...), then
    ``await start()`` (or ``async with``) and ``patch_discord()`` so discord.py talks to it.
    """

    def __init__(
        self,
        *,
        heartbeat_interval: int = 1000,
        bot_name: str = "CyberGlossary",
        interaction_timeout: float = 3.0,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
    ) -> None:
        """Create the fake and its default world (not started yet).

        ``heartbeat_interval`` is in milliseconds. ``interaction_timeout`` is the time the bot has for its first
        interaction callback (Discord: 3 s). ``allowed_privileged_intents`` emulates the developer-portal switches:
        identifying with other privileged intents closes the gateway with 4014.
        """
        self.heartbeat_interval = heartbeat_interval
        self.interaction_timeout = interaction_timeout
        self.allowed_privileged_intents = allowed_privileged_intents

        self.snowflakes = SnowflakeGenerator()
        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.global_commands: dict[int, dict[str, Any]] = {}
        self.guild_commands: dict[int, dict[int, dict[str, Any]]] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.team: list[FakeUser] = []
        """Members of the team owning the application; empty: the application is owned by :attr:`owner`."""

        # Recording.
        self.requests: list[RecordedRequest] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.gateway_received: list[dict[str, Any]] = []
        self.gateway_connections: list[dict[str, Any]] = []
        self.dispatched: list[DispatchedEvent] = []
        self.dropped_events: list[tuple[str, str]] = []
        self.close_codes: list[tuple[str, int | None]] = []
        self.server_errors: list[str] = []
        self.heartbeat_count = 0
        self.last_heartbeat_seq: int | None = None
        self.ready_count = 0

        self._channel_messages: dict[int, list[int]] = {}
        self._sessions: dict[str, _GatewaySession] = {}
        self._connections: set[_GatewayConnection] = set()
        self._rate_limits: list[_RateLimitRule] = []
        self._routes: list[_Route] = []
        self._waiters: set[asyncio.Future[None]] = set()
        self._patched: list[tuple[Any, str, Any]] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._gateway_gate = asyncio.Event()
        self._gateway_gate.set()
        self._build_routes()

        # Default world.
        self.application_id = self.snowflakes.next()
        self.bot_user = FakeUser(id=self.application_id, username=bot_name, bot=True)
        self.users[self.bot_user.id] = self.bot_user
        self.token = self._make_token(self.bot_user.id)
        self.verify_key = secrets.token_hex(32)
        self.owner = self.add_user("glossary_owner", global_name="Glossary Owner")
        self.user = self.add_user("alice", global_name="Alice")
        self.guild = self._add_guild("CyberGlossary Lab", owner=self.owner, channel_names=("general", "glossary"))
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
        """The gateway URL patched into discord.py."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """The ``resume_gateway_url`` sent in READY (a distinct path, so tests can see resumes use it)."""
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and start serving."""
        if self._runner is not None:
            return
        app = web.Application()
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_get("/resume-gateway", self._handle_gateway)
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
        """Close gateway connections, stop the server and undo :meth:`patch_discord`."""
        self._gateway_gate.set()
        for conn in list(self._connections):
            await conn.close(1001, "fake discord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        while self._patched:
            owner, name, value = self._patched.pop()
            setattr(owner, name, value)
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

    def patch_discord(self) -> None:
        """Point discord.py at this fake until :meth:`stop`.

        Patches ``discord.http.Route.BASE`` (REST, webhooks and interaction callbacks all build URLs from it) and
        ``DiscordWebSocket.DEFAULT_GATEWAY`` (``Client.connect`` never asks ``/gateway/bot``; it connects there
        directly).
        """
        targets: list[tuple[Any, str, Any]] = [
            (discord.http.Route, "BASE", f"{self.http_url}/api/v10"),
            (discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self.gateway_url)),
        ]
        for owner, name, value in targets:
            self._patched.append((owner, name, getattr(owner, name)))
            setattr(owner, name, value)

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

    # ------------------------------------------------------------------------------------------------------------
    # World building (synchronous; announce changes over the gateway with the async helpers below)
    # ------------------------------------------------------------------------------------------------------------

    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> FakeUser:
        """Create a user known to Discord (not a member of any guild yet)."""
        user = FakeUser(id=self.snowflakes.next(), username=username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def _add_guild(self, name: str, *, owner: FakeUser, channel_names: Sequence[str]) -> FakeGuild:
        """The guild: @everyone, text channels, the owner and the bot (with the role its invite URL grants)."""
        guild_id = self.snowflakes.next()
        guild = FakeGuild(id=guild_id, name=name, owner_id=owner.id)
        guild.roles[guild_id] = FakeRole(
            id=guild_id, guild_id=guild_id, name="@everyone", permissions=DEFAULT_EVERYONE_PERMISSIONS, position=0
        )
        self.guilds[guild_id] = guild
        for channel_name in channel_names:
            self.add_text_channel(guild, channel_name)
        guild.system_channel_id = next(iter(guild.channels))
        self.add_member(guild, owner)
        bot_role = FakeRole(
            id=self.snowflakes.next(),
            guild_id=guild_id,
            name=self.bot_user.username,
            permissions=DEFAULT_BOT_PERMISSIONS,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        self.add_member(guild, self.bot_user, roles=[bot_role])
        return guild

    def add_text_channel(self, guild: FakeGuild, name: str) -> FakeChannel:
        """Add a text channel to ``guild``."""
        channel = FakeChannel(
            id=self.snowflakes.next(),
            type=CHANNEL_GUILD_TEXT,
            name=name,
            guild_id=guild.id,
            position=len([c for c in guild.channels.values() if c.type == CHANNEL_GUILD_TEXT]),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_role(self, guild: FakeGuild, name: str, *, permissions: int = 0) -> FakeRole:
        """Add a role to ``guild`` (above existing roles)."""
        position = max((role.position for role in guild.roles.values()), default=0) + 1
        role = FakeRole(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
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

    def _client_user_payload(self) -> dict[str, Any]:
        data = self.bot_user.payload()
        data.update(verified=True, mfa_enabled=False, email=None, locale="en-US", bot=True, flags=0)
        return data

    def _team_payload(self) -> dict[str, Any] | None:
        if not self.team:
            return None
        team_id = str(self.application_id + 1)
        members = [
            {"user": u.payload(), "team_id": team_id, "membership_state": 2, "permissions": ["*"], "role": "admin"}
            for u in self.team
        ]
        return {"id": team_id, "name": "Glossary team", "icon": None, "owner_user_id": str(self.team[0].id),
                "members": members}

    def _application_payload(self) -> dict[str, Any]:
        """``GET /oauth2/applications/@me``: discord.py's ``is_owner`` reads ``owner``, or ``team`` when set."""
        team = self._team_payload()
        owner = (
            {"id": team["id"], "username": f"team{team['id']}", "discriminator": "0000", "avatar": None, "flags": 1024}
            if team else self.owner.payload()
        )
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "Cybersecurity glossary bot (emulated)",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": self.verify_key,
            "owner": owner,
            "team": team,
            "flags": self.application_flags,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self._bot_guilds()),
            "bot": self.bot_user.payload(),
        }

    def _guild_create_payload(self, guild: FakeGuild) -> dict[str, Any]:
        """GUILD_CREATE: without GUILD_PRESENCES (the bot never asks for it) Discord lists only the bot as member."""
        return guild.gateway_payload(members=[m for m in guild.members.values() if m.user.id == self.bot_user.id])

    def _ready_payload(self, session_id: str) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self._client_user_payload(),
            "user_settings": {},
            "relationships": [],
            "private_channels": [],
            "presences": [],
            "guild_join_requests": [],
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self._bot_guilds()],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "geo_ordered_rtc_regions": ["rotterdam"],
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "auth": {},
            "_trace": ['["gateway-prd-fake-1",{"micros":1000,"calls":[]}]'],
        }

    def _bot_guilds(self) -> list[FakeGuild]:
        return [g for g in self.guilds.values() if self.bot_user.id in g.members]

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

        Includes interaction responses and follow-ups (ephemeral ones have ``flags & 64``).
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
            mention_user_ids=user_ids,
            mention_role_ids=parsed.roles if not resolved_channel.is_dm else [],
            mention_everyone=parsed.everyone and bool(permissions & PERM_MENTION_EVERYONE),
            referenced=referenced,
        )
        await self._broadcast("MESSAGE_CREATE", self._gateway_message(message), require_session=True)
        return copy.deepcopy(message)

    async def send_dm(self, author: FakeUser | int, content: str, **kwargs: Any) -> dict[str, Any]:
        """A user DMs the bot (see :meth:`send_message` for keyword arguments)."""
        return await self.send_message(self.get_dm_channel(author), author, content, **kwargs)

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
        flags: int = 0,
        tts: bool = False,
        message_type: int | None = None,
        interaction: FakeInteraction | None = None,
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
            "attachments": [],
            "embeds": [self._normalise_embed(e) for e in embeds or []],
            "pinned": False,
            "type": message_type if message_type is not None else (MESSAGE_TYPE_REPLY if referenced else 0),
            "flags": flags,
            "components": copy.deepcopy(components or []),
        }
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
        self.messages[message_id] = message
        self._channel_messages.setdefault(channel.id, []).append(message_id)
        channel.last_message_id = message_id
        self._notify()
        return message

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

    def find_command(self, name: str, *, guild_id: int | None = None) -> dict[str, Any]:
        """A registered chat-input command by name: the guild's commands first, then global ones.

        In a DM (``guild_id`` None) only global commands exist, as on Discord.
        """
        buckets = [self.guild_commands.get(guild_id, {})] if guild_id is not None else []
        buckets.append(self.global_commands)
        for bucket in buckets:
            for command in bucket.values():
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        known = sorted({c["name"] for b in buckets for c in b.values()})
        raise LookupError(f"no registered command {name!r}; registered: {known}. Did the bot sync?")

    def _build_command(
        self, payload: Mapping[str, Any], guild_id: int | None, command_id: int | None
    ) -> dict[str, Any]:
        """The command object Discord stores and returns for a synced payload."""
        permissions = payload.get("default_member_permissions")
        command: dict[str, Any] = {
            "id": str(command_id or self.snowflakes.next()),
            "application_id": str(self.application_id),
            "version": str(self.snowflakes.next()),
            "type": payload.get("type", 1),
            "name": payload["name"],
            "name_localizations": payload.get("name_localizations"),
            "description": payload.get("description", ""),
            "description_localizations": payload.get("description_localizations"),
            "default_member_permissions": None if permissions is None else str(permissions),
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
    # Interactions: a user acting
    # ------------------------------------------------------------------------------------------------------------

    async def _send_interaction(
        self,
        interaction_type: int,
        data: Mapping[str, Any],
        *,
        user: FakeUser | int | None,
        channel: FakeChannel | int | None = None,
        message: Mapping[str, Any] | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Dispatch INTERACTION_CREATE of ``interaction_type`` with ``data``; returns the interaction."""
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
        channel_payload = resolved_channel.payload()
        channel_payload["permissions"] = str(self.permissions_for(invoker, resolved_channel))
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
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(resolved_channel.id),
            "channel": channel_payload,
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

    def _invocable_command(self, name: str, user: FakeUser | int | None, channel: FakeChannel) -> dict[str, Any]:
        """The command ``name`` as the Discord client offers it to ``user`` in ``channel``, or a refusal."""
        command = self.find_command(name, guild_id=channel.guild_id)
        invoker = self._user(user)
        guild = self.guilds.get(channel.guild_id or 0)
        if guild is not None and invoker.id not in guild.members:
            raise ValueError(f"{invoker.username} is not a member of {guild.name}")
        check_invocable(
            command,
            user=invoker.username,
            where=f"#{channel.name}" if guild is not None else "a DM",
            in_guild=guild is not None,
            permissions=self.permissions_for(invoker, channel) if guild is not None else 0,
        )
        return command

    async def send_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | int | None = None,
        channel: FakeChannel | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """``user`` (default :attr:`user`) runs a synced chat-input command (APPLICATION_COMMAND, type 2).

        ``name`` includes the subcommand path: ``"define"``, ``"glossary stats"``, ``"glossary totd set"``.
        ``options`` maps option names to values; channel options take a ``FakeChannel`` (or its id). What the
        Discord client would never send raises instead of reaching the bot: :class:`CommandNotInvocable` (a
        ``PermissionError``) when the client does not offer the command to this user here
        (``default_member_permissions`` they lack, no Use Application Commands, ``contexts``/``dm_permission``);
        ``ValueError`` for unknown or missing options, values outside ``choices`` or the option's limits;
        ``LookupError`` for a command that is not synced where the user is.
        """
        resolved_channel = self._channel(channel)
        parts = name.split()
        command = self._invocable_command(parts[0], user, resolved_channel)
        data = self._command_data(command, parts[1:], options or {}, focused=None)
        return await self._send_interaction(
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
        """APPLICATION_COMMAND_AUTOCOMPLETE (type 4) while the user types into option ``focused``.

        Refused like :meth:`send_slash_command` when the client would not offer the command.
        """
        if focused not in options:
            raise ValueError(f"focused option {focused!r} must be one of the given options {list(options)}")
        resolved_channel = self._channel(channel)
        parts = name.split()
        command = self._invocable_command(parts[0], user, resolved_channel)
        data = self._command_data(command, parts[1:], options, focused=focused)
        return await self._send_interaction(
            INTERACTION_AUTOCOMPLETE, data, user=user, channel=resolved_channel, locale=locale
        )

    async def _send_component(
        self,
        message: Mapping[str, Any] | int,
        custom_id: str,
        *,
        values: Sequence[str] | None = None,
        user: FakeUser | int | None = None,
    ) -> FakeInteraction:
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
        if component_type == 3:
            data["values"] = self._select_values(component, list(values or []))
        elif component_type != 2:
            raise NotEmulated(f"component type {component_type} (the bot uses buttons and string selects)")
        elif values:
            raise ValueError("values are only valid for select menus")
        return await self._send_interaction(INTERACTION_MESSAGE_COMPONENT, data, user=user, message=stored)

    async def click_button(
        self, message: Mapping[str, Any] | int, custom_id: str, *, user: FakeUser | int | None = None
    ) -> FakeInteraction:
        """Press the button ``custom_id`` on ``message`` (MESSAGE_COMPONENT, type 3)."""
        return await self._send_component(message, custom_id, user=user)

    async def choose_select(
        self,
        message: Mapping[str, Any] | int,
        custom_id: str,
        values: Sequence[str],
        *,
        user: FakeUser | int | None = None,
    ) -> FakeInteraction:
        """Choose ``values`` (option values) in the string select ``custom_id`` on ``message``."""
        return await self._send_component(message, custom_id, values=values, user=user)

    @staticmethod
    def _select_values(component: Mapping[str, Any], values: list[str]) -> list[str]:
        min_values = component.get("min_values", 1)
        max_values = component.get("max_values", 1)
        if not min_values <= len(values) <= max_values:
            raise ValueError(f"select {component.get('custom_id')!r} needs {min_values}..{max_values} values")
        allowed = [option["value"] for option in component.get("options") or []]
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ValueError(f"values {bad} are not options of select {component.get('custom_id')!r}: {allowed}")
        return [str(v) for v in values]

    def _command_data(
        self, command: Mapping[str, Any], path: Sequence[str], options: Mapping[str, Any], *, focused: str | None
    ) -> dict[str, Any]:
        """The interaction ``data`` the Discord client sends: nested subcommand group/subcommand, typed options."""
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": command.get("type", 1)}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        schema: list[dict[str, Any]] = list(command.get("options") or [])
        container = data
        for sub in path:
            option = next((o for o in schema if o["name"] == sub and o["type"] in (1, 2)), None)
            if option is None:
                raise ValueError(f"command {command['name']!r} has no subcommand {sub!r} here")
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
                entry["value"] = self._option_value(option, value, resolved)
            container.setdefault("options", []).append(entry)
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
            if missing:
                raise ValueError(f"missing required options {missing} for {command['name']!r}")
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(self, option: Mapping[str, Any], value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
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
        elif otype == OPT_CHANNEL:
            return self._resolved_channel(option, value, resolved)
        else:
            raise NotEmulated(f"option type {otype} (the bot uses string, integer, number, boolean and channel)")
        if otype in (OPT_INTEGER, OPT_NUMBER):
            if option.get("min_value") is not None and result < option["min_value"]:
                raise ValueError(f"option {option['name']!r} below min_value")
            if option.get("max_value") is not None and result > option["max_value"]:
                raise ValueError(f"option {option['name']!r} above max_value")
        choices = option.get("choices")
        if choices and result not in [c["value"] for c in choices]:
            raise ValueError(f"{result!r} is not a choice of {option['name']!r}: {[c['value'] for c in choices]}")
        return result

    def _resolved_channel(self, option: Mapping[str, Any], value: Any, resolved: dict[str, dict[str, Any]]) -> str:
        channel = self._channel(value if isinstance(value, FakeChannel) else int(value))
        if option.get("channel_types") and channel.type not in option["channel_types"]:
            raise ValueError(f"channel type not allowed for option {option['name']!r}")
        data = {
            "id": str(channel.id),
            "name": channel.name,
            "type": channel.type,
            "permissions": str(self.permissions_for(self.bot_user, channel)),
            "parent_id": None,
        }
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        resolved.setdefault("channels", {})[str(channel.id)] = data
        return str(channel.id)

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

    async def _broadcast(self, event: str, data: Any, *, require_session: bool = False) -> int:
        """Send a DISPATCH to every valid session its intents allow; disconnected sessions buffer it for RESUME."""
        sessions = self._active_sessions()
        if not sessions and require_session:
            raise RuntimeError(f"cannot dispatch {event}: no client has identified on the gateway yet")
        delivered = 0
        for session in sessions:
            payload = self._filter_for_session(session, event, data)
            if payload is None:
                continue
            async with session.lock:
                await self._send_dispatch_locked(session, event, payload)
            delivered += 1
        self._notify()
        return delivered

    def _filter_for_session(self, session: _GatewaySession, event: str, data: Any) -> Any:
        guild_id_raw = data.get("id") if event == "GUILD_CREATE" else data.get("guild_id")
        in_guild = guild_id_raw is not None
        intents = EVENT_INTENTS.get(event)
        if intents is not None:
            needed = intents[0] if in_guild else intents[1]
            if needed is not None and not session.has_intent(needed):
                self.dropped_events.append((event, f"session lacks intent {needed}"))
                return None
        content_hidden = in_guild and not session.has_intent(INTENT_MESSAGE_CONTENT)
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and content_hidden:
            author_id = int((data.get("author") or {}).get("id", 0))
            mentioned = any(int(m["id"]) == self.bot_user.id for m in data.get("mentions") or [])
            if author_id != self.bot_user.id and not mentioned:
                redacted = dict(data)
                redacted.update(content="", embeds=[], attachments=[], components=[])
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

    async def disconnect_gateway(self, code: int = 4000, reason: str = "") -> int:
        """Close every live gateway connection with ``code`` (4000: resumable); returns how many were closed.

        Sessions stay valid, so the client RESUMEs and gets the events it missed replayed.
        """
        connections = self._live_connections()
        if not connections:
            raise RuntimeError("no live gateway connection to disconnect")
        for conn in connections:
            await conn.close(code, reason)
        self._notify()
        return len(connections)

    @contextlib.asynccontextmanager
    async def gateway_paused(self) -> AsyncIterator[None]:
        """Hold new gateway connections (before HELLO) inside the block; they proceed when it exits.

        Lets a test send events while the client is disconnected, so they are replayed on RESUME.
        """
        self._gateway_gate.clear()
        try:
            yield
        finally:
            self._gateway_gate.set()

    # ------------------------------------------------------------------------------------------------------------
    # Gateway: server side
    # ------------------------------------------------------------------------------------------------------------

    async def _handle_gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=0, timeout=3.0)
        await ws.prepare(request)
        conn = _GatewayConnection(ws, request)
        self._connections.add(conn)
        self.gateway_connections.append({"path": conn.path, "query": dict(conn.query), "number": conn.number})
        self._notify()
        try:
            await self._gateway_gate.wait()
            hello = {"heartbeat_interval": self.heartbeat_interval, "_trace": ['["gateway-prd-fake-1",{"micros":0}]']}
            await conn.send({"op": 10, "d": hello, "s": None, "t": None})
            while True:
                msg = await ws.receive()
                if msg.type == aiohttp.WSMsgType.TEXT:
                    try:
                        payload = json.loads(msg.data)
                    except ValueError:
                        await conn.close(4002, "Error while decoding payload.")
                        break
                    await self._on_gateway_payload(conn, payload)
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
            origin = "client" if conn.client_close_code is not None else "server"
            self.close_codes.append((origin, conn.client_close_code or conn.server_close_code))
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
            self.heartbeat_count += 1
            self.last_heartbeat_seq = data
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data if isinstance(data, dict) else {})
        elif op == 6:
            await self._resume(conn, data if isinstance(data, dict) else {})
        elif conn.session is None:
            await conn.close(4003, "Not authenticated.")
        elif op in (3, 4, 8):
            self.server_errors.append(f"gateway op {op} is valid on Discord but not emulated (the bot never sends it)")
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
        if data.get("shard") not in (None, [0, 1]):
            self.server_errors.append(f"sharding is not emulated (identify with shard {data.get('shard')})")
        session = _GatewaySession(secrets.token_hex(16), intents)
        self._sessions[session.session_id] = session
        conn.session = session
        session.connection = conn
        self.identifies.append(copy.deepcopy(data))
        async with session.lock:
            await self._send_dispatch_locked(session, "READY", self._ready_payload(session.session_id))
            for guild in self._bot_guilds():
                await self._send_dispatch_locked(session, "GUILD_CREATE", self._guild_create_payload(guild))
        self.ready_count += 1

    async def _resume(self, conn: _GatewayConnection, data: dict[str, Any]) -> None:
        session = self._sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.buffer[0]["s"] if session and session.buffer else 1
        if session is None or not session.valid or data.get("token") != self.token or seq < oldest - 1:
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

    # ------------------------------------------------------------------------------------------------------------
    # REST: plumbing
    # ------------------------------------------------------------------------------------------------------------

    def rate_limit_next(self, method: str, path_regex: str, retry_after: float = 0.3, count: int = 1) -> None:
        """Answer the next ``count`` requests matching method and ``re.fullmatch(path_regex)`` with a 429.

        The response carries Discord's headers (incl. ``Via``, without which discord.py treats a 429 as a
        Cloudflare ban) and body ``{"message", "retry_after", "global", "code"}``; discord.py sleeps and retries.
        """
        self._rate_limits.append(_RateLimitRule(method.upper(), re.compile(path_regex), retry_after, count))

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
        """The REST routes the bot reaches; anything else is answered 404 and fails the test (unhandled)."""
        r = self._add_route
        r("GET", "/users/@me", self._api_get_me)
        r("GET", "/oauth2/applications/@me", self._api_application)
        r("PUT", "/applications/{application_id}/commands", self._api_bulk_commands)
        r("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self._api_bulk_commands)
        r("GET", "/channels/{channel_id}", self._api_get_channel)
        r("POST", "/channels/{channel_id}/messages", self._api_create_message)
        r("POST", "/interactions/{interaction_id}/{token}/callback", self._api_interaction_callback, auth=False)
        r("POST", "/webhooks/{webhook_id}/{token}", self._api_execute_webhook, auth=False)

    async def _read_body(self, request: web.Request) -> Any:
        if request.content_type.startswith("multipart/"):
            raise NotEmulated("file uploads (multipart bodies) are not emulated: the bot sends no files")
        raw_body = await request.read()
        if not raw_body:
            return None
        if request.content_type == "application/json":
            return json.loads(raw_body.decode())
        return raw_body.decode(errors="replace")

    def _json_response(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
        all_headers = {"Via": "1.1 google", "X-Fake-Discord": "1"}
        all_headers.update(headers or {})
        if status == 204 or body is None:
            return web.Response(status=204 if status < 300 else status, headers=all_headers)
        # Exactly "application/json": discord.py compares the header verbatim before decoding JSON.
        all_headers["Content-Type"] = "application/json"
        return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)

    @staticmethod
    def _ratelimit_headers(route: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": f"{abs(hash(route)) & 0xFFFFFFFF:08x}",
        }

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        record = self._record(request, request.path, await request.read())
        return self._finish(record, 404, {"message": "404: Not Found", "code": 0})

    def _record(self, request: web.Request, path: str, body: Any) -> RecordedRequest:
        record = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=body,
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

    def _internal_error(self, record: RecordedRequest, error: Exception) -> web.Response:
        """A bug in the fake or unemulated behaviour: answer 400 (a 500 makes discord.py retry for ~25 s)."""
        self.server_errors.append(traceback.format_exc())
        log.error("fake discord cannot serve %s %s: %r", record.method, record.path, error)
        return self._finish(record, 400, {"message": f"fake discord internal error: {error!r}", "code": 0})

    async def _handle_api(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        record = self._record(request, path, None)
        try:
            record.json = await self._read_body(request)
        except NotEmulated as error:
            return self._internal_error(record, error)
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
                "X-RateLimit-Scope": "user",
            }
            body = {"message": "You are being rate limited.", "retry_after": limited.retry_after, "global": False,
                    "code": 0}
            return self._finish(record, 429, body, headers)
        try:
            status, response = await route.handler(_Call(request, record, params))
        except DiscordAPIError as error:
            return self._finish(record, error.status, error.payload(), self._ratelimit_headers(record.route))
        except Exception as error:  # NotEmulated or a bug in the fake
            return self._internal_error(record, error)
        return self._finish(record, status, response, self._ratelimit_headers(record.route))

    def _take_rate_limit(self, method: str, path: str) -> _RateLimitRule | None:
        for rule in self._rate_limits:
            if rule.remaining > 0 and rule.method == method and rule.pattern.fullmatch(path):
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._rate_limits.remove(rule)
                return rule
        return None

    # ------------------------------------------------------------------------------------------------------------
    # REST: users, gateway, application
    # ------------------------------------------------------------------------------------------------------------

    async def _api_get_me(self, call: _Call) -> tuple[int, Any]:
        return 200, self._client_user_payload()

    async def _api_application(self, call: _Call) -> tuple[int, Any]:
        return 200, self._application_payload()

    # ------------------------------------------------------------------------------------------------------------
    # REST: application commands
    # ------------------------------------------------------------------------------------------------------------

    def _commands_for_call(self, call: _Call) -> tuple[dict[int, dict[str, Any]], int | None]:
        if call.snowflake("application_id") != self.application_id:
            raise missing_access()
        if "guild_id" not in call.params:
            return self.global_commands, None
        guild_id = call.snowflake("guild_id")
        if guild_id not in self.guilds or self.bot_user.id not in self.guilds[guild_id].members:
            raise missing_access()
        return self.guild_commands.setdefault(guild_id, {}), guild_id

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

    async def _api_get_channel(self, call: _Call) -> tuple[int, Any]:
        return 200, self._channel_for_call(call).payload()

    async def _api_create_message(self, call: _Call) -> tuple[int, Any]:
        channel = self._channel_for_call(call, need=PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES)
        body = call.body
        validate_message_payload(body)
        permissions = self.permissions_for(self.bot_user, channel)
        referenced = self._resolve_message_reference(body.get("message_reference"), channel, permissions)
        message = self._create_bot_message(channel, body, referenced=referenced, permissions=permissions)
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
            flags=int(body.get("flags") or 0) if flags is None else flags,
            tts=bool(body.get("tts")),
            message_type=message_type,
            interaction=interaction,
        )

    def _apply_edit(self, message: dict[str, Any], body: Mapping[str, Any]) -> None:
        """Apply an edit (update callback, follow-up replacing "thinking") to a stored message, validated."""
        if body.get("attachments"):
            raise NotEmulated("attachments are not emulated: the bot sends no files")
        merged = dict(message)
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in body:
                merged[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        flags = int(merged.get("flags") or 0)
        validate_message_payload({**merged, "flags": flags & ~(MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)})
        message["content"] = merged.get("content") or ""
        message["embeds"] = [self._normalise_embed(e) for e in merged.get("embeds") or []]
        message["components"] = copy.deepcopy(merged.get("components") or [])
        keep_flags = int(message.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
        message["flags"] = (flags & ~MESSAGE_FLAG_LOADING & ~MESSAGE_FLAG_EPHEMERAL) | keep_flags
        if "content" in body or "allowed_mentions" in body:
            parsed = parse_mentions(message["content"], merged.get("allowed_mentions"))
            message["mentions"] = [self.users[u].payload() for u in parsed.users if u in self.users]
            message["mention_roles"] = [str(r) for r in parsed.roles]
        message["edited_timestamp"] = iso_timestamp()
        self._notify()

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
            validate_message_payload(data, allowed_flags=INTERACTION_MESSAGE_FLAGS_ALLOWED)
            message = self._create_bot_message(
                channel, data, interaction=interaction, message_type=MESSAGE_TYPE_CHAT_INPUT_COMMAND
                if interaction.type == INTERACTION_APPLICATION_COMMAND else MESSAGE_TYPE_DEFAULT,
            )
            interaction.original_message_id = int(message["id"])
        elif callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            flags = (int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL) | MESSAGE_FLAG_LOADING
            message = self._create_bot_message(
                channel, {}, interaction=interaction, message_type=MESSAGE_TYPE_CHAT_INPUT_COMMAND, flags=flags
            )
            interaction.original_message_id = int(message["id"])
        elif callback_type == CALLBACK_UPDATE_MESSAGE:
            if interaction.component_message_id is None or interaction.component_message_id not in self.messages:
                errors = FormErrors()
                errors.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "No message to update")
                errors.raise_if_any()
            interaction.original_message_id = interaction.component_message_id
            message = self.messages[interaction.component_message_id or 0]
            self._apply_edit(message, data)
        elif callback_type == CALLBACK_AUTOCOMPLETE_RESULT:
            validate_autocomplete_choices(data)
        else:
            raise NotEmulated(f"interaction callback type {callback_type} is valid on Discord but not emulated")
        interaction.response_type = callback_type
        interaction.response_data = copy.deepcopy(data)
        if message is not None and not message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL:
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

    async def _api_execute_webhook(self, call: _Call) -> tuple[int, Any]:
        """A follow-up message (``interaction.followup.send``)."""
        token = call.params["token"]
        interaction = next((i for i in self.interactions.values() if i.token == token), None)
        if call.snowflake("webhook_id") != self.application_id or interaction is None or not interaction.acknowledged:
            raise not_found(UNKNOWN_WEBHOOK, "Unknown Webhook")
        body = call.body
        validate_message_payload(body, allowed_flags=INTERACTION_MESSAGE_FLAGS_ALLOWED)
        original = self.messages.get(interaction.original_message_id or 0)
        if original is not None and original.get("flags", 0) & MESSAGE_FLAG_LOADING:
            # The first follow-up after a "thinking" defer replaces the loading message, as on Discord.
            self._apply_edit(original, {**body, "flags": int(body.get("flags") or 0)})
            message = original
            event = "MESSAGE_UPDATE"
        else:
            message = self._create_bot_message(self.channels[interaction.channel_id], body, interaction=interaction)
            event = "MESSAGE_CREATE"
        if not message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL:
            await self._broadcast(event, self._gateway_message(message))
        if not call.flag("wait"):
            return 204, None
        return 200, copy.deepcopy(message)
