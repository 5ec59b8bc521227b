"""End-to-end tests of FakeDiscord driven by a plain, unmodified discord.py ``commands.Bot``."""

# Explicit ``timeout=`` arguments are part of this test-helper API on purpose (fail fast instead of hanging).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from .fake_discord import CommandNotInvocable, FakeDiscord, FakeInteraction, NetworkGuard
from .fake_discord_validation import DiscordAPIError, validate_command_list, validate_message_payload

pytestmark = pytest.mark.e2e

WAIT = 5.0
TERMS = ["phishing", "spear-phishing", "pharming", "ransomware", "zero-day"]


class FastBot(commands.Bot):
    """A plain commands.Bot whose re-IDENTIFY does not wait (discord.py sleeps 5 s before every non-initial one)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


def make_bot(*, message_content: bool = True) -> commands.Bot:
    """A bot with a short guild_ready_timeout, so on_ready fires ~0.1 s after the last GUILD_CREATE (default 2 s)."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    return FastBot(command_prefix="!", intents=intents, guild_ready_timeout=0.1, help_command=None)


async def wait(awaitable: Any, timeout: float = WAIT) -> Any:
    """Await with a timeout so a bug fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, timeout=timeout)


def bot_channel(bot: commands.Bot, fake: FakeDiscord) -> discord.TextChannel:
    channel = bot.get_channel(fake.channel.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_login_ready_caches_guild_and_channels(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    async with fake_discord.run_client(bot):
        assert bot.user is not None and bot.user.id == fake_discord.bot_user.id
        assert bot.user.bot and bot.application_id == fake_discord.application_id
        guild = bot.get_guild(fake_discord.guild.id)
        assert guild is not None and guild.name == "CyberGlossary Lab"
        assert {c.name for c in guild.text_channels} == {"general", "glossary"}
        assert guild.default_role.id == guild.id
        assert guild.me.guild_permissions.send_messages and not guild.me.guild_permissions.administrator
        assert (await bot.application_info()).owner.id == fake_discord.owner.id
        assert await bot.is_owner(fake_discord.owner) and not await bot.is_owner(fake_discord.user)

        identify = fake_discord.identifies[0]
        assert identify["intents"] == bot.intents.value and identify["token"] == fake_discord.token
        assert fake_discord.gateway_connections[0]["query"]["v"] == "10"
        assert fake_discord.gateway_connections[0]["query"]["encoding"] == "json"
        me = await fake_discord.wait_for_request("GET", "/users/@me")
        assert me.headers["Authorization"] == f"Bot {fake_discord.token}"
        await fake_discord.wait_for_request("GET", "/oauth2/applications/@me")
        # Heartbeats carry the last sequence number the client saw (the interval is 1 s).
        await fake_discord.wait_for(lambda: fake_discord.heartbeat_count >= 2, timeout=WAIT)
        assert fake_discord.last_heartbeat_seq == fake_discord.sequence > 0
        assert bot.latency < 1.0


async def test_message_create_reaches_on_message_and_reply_is_recorded(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    received: asyncio.Queue[discord.Message] = asyncio.Queue()

    @bot.listen("on_message")
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        await received.put(message)
        await message.reply(
            f"{message.author.mention} asked about {message.content!r}", allowed_mentions=discord.AllowedMentions.none()
        )

    async with fake_discord.run_client(bot):
        sent = await fake_discord.send_message(fake_discord.channel, fake_discord.user, "what is phishing?")
        message = await wait(received.get())
        assert message.content == "what is phishing?" and message.id == int(sent["id"])
        assert message.author.id == fake_discord.user.id and isinstance(message.author, discord.Member)
        assert message.guild is not None and message.guild.id == fake_discord.guild.id

        request = await fake_discord.wait_for_request("POST", rf"/channels/{fake_discord.channel.id}/messages")
        assert request.status == 200
        assert request.json["allowed_mentions"]["parse"] == []
        assert request.json["message_reference"]["message_id"] == message.id
        reply = fake_discord.sent_messages(fake_discord.channel)[-1]
        assert reply["content"] == f"<@{fake_discord.user.id}> asked about 'what is phishing?'"
        assert reply["mentions"] == [] and reply["type"] == 19  # no ping, and it is a reply
        assert reply["referenced_message"]["id"] == sent["id"]


async def test_guild_content_is_redacted_without_message_content_intent(fake_discord: FakeDiscord) -> None:
    bot = make_bot(message_content=False)
    received: asyncio.Queue[discord.Message] = asyncio.Queue()
    bot.add_listener(received.put, "on_message")
    async with fake_discord.run_client(bot):
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, "hidden text")
        assert (await wait(received.get())).content == ""
        mention = fake_discord.bot_user.mention  # messages that mention the bot keep their content
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, f"{mention} visible")
        assert (await wait(received.get())).content.endswith("visible")
        await fake_discord.send_dm(fake_discord.user, "dm text")
        dm = await wait(received.get())
        assert dm.content == "dm text" and isinstance(dm.channel, discord.DMChannel)


async def test_rate_limited_send_is_retried_and_succeeds(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    async with fake_discord.run_client(bot):
        path = rf"/channels/{fake_discord.channel.id}/messages"
        fake_discord.rate_limit_next("POST", path, retry_after=0.3)
        started = time.monotonic()
        message = await wait(bot_channel(bot, fake_discord).send("hello after a 429"))
        elapsed = time.monotonic() - started

        attempts = fake_discord.find_requests("POST", path)
        assert [r.status for r in attempts] == [429, 200]
        assert attempts[0].response == {
            "message": "You are being rate limited.",
            "retry_after": 0.3,
            "global": False,
            "code": 0,
        }
        assert elapsed >= 0.25
        assert message.id == int(attempts[1].response["id"])
        assert [m["content"] for m in fake_discord.sent_messages(fake_discord.channel)] == ["hello after a 429"]


async def test_gateway_disconnect_is_resumed_and_missed_events_replayed(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    received: asyncio.Queue[str] = asyncio.Queue()
    resumed = asyncio.Event()

    @bot.listen("on_message")
    async def on_message(message: discord.Message) -> None:
        await received.put(message.content)

    @bot.listen("on_resumed")
    async def on_resumed() -> None:
        resumed.set()

    async with fake_discord.run_client(bot):
        async with fake_discord.gateway_paused():
            await fake_discord.disconnect_gateway(4000)
            # Sent while the bot is disconnected: buffered in the session and replayed on RESUME.
            await fake_discord.send_message(fake_discord.channel, fake_discord.user, "missed while offline")
        await fake_discord.wait_resumed(timeout=WAIT)
        await wait(resumed.wait())
        assert await wait(received.get()) == "missed while offline"

        await fake_discord.send_message(fake_discord.channel, fake_discord.user, "after resume")
        assert await wait(received.get()) == "after resume"
        assert fake_discord.identify_count == 1 and fake_discord.resume_count == 1
        resume = fake_discord.resumes[0]
        ready = next(e for e in fake_discord.dispatched if e.event == "READY")
        assert resume["session_id"] == ready.data["session_id"] and resume["token"] == fake_discord.token
        assert fake_discord.gateway_connections[-1]["path"] == "/resume-gateway"  # used resume_gateway_url
        replayed_seq = next(e.seq for e in fake_discord.dispatched if e.event == "MESSAGE_CREATE")
        assert resume["seq"] == replayed_seq - 1


class GlossaryCommands(app_commands.Group):
    """A small slash-command group used to exercise sync, invocation, autocomplete and deferral."""

    def __init__(self) -> None:
        super().__init__(name="glossary", description="Cybersecurity glossary")
        self.responses: list[discord.InteractionCallbackResponse[Any]] = []

    @app_commands.command(name="define", description="Define a term")
    @app_commands.describe(term="The term to define")
    async def define(self, interaction: discord.Interaction, term: str) -> None:
        embed = discord.Embed(title=term, description=f"{term} is a cybersecurity term.", colour=0x2F3136)
        embed.set_footer(text="CyberGlossary")
        self.responses.append(await interaction.response.send_message(embed=embed))

    @define.autocomplete("term")
    async def define_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TERMS if current.lower() in t][:25]

    @app_commands.command(name="random", description="A random term, slowly")
    async def random_term(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("ransomware", ephemeral=True)


async def test_app_commands_sync_slash_autocomplete_and_defer(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    group = GlossaryCommands()
    bot.tree.add_command(group)
    completed: asyncio.Queue[str] = asyncio.Queue()

    @bot.listen("on_app_command_completion")
    async def on_completion(interaction: discord.Interaction, command: Any) -> None:
        await completed.put(command.qualified_name)

    async with fake_discord.run_client(bot):
        synced = await wait(bot.tree.sync())
        put = await fake_discord.wait_for_request("PUT", rf"/applications/{fake_discord.application_id}/commands")
        assert put.status == 200 and [c["name"] for c in put.json] == ["glossary"]
        stored = fake_discord.find_command("glossary")
        assert [app.id for app in synced] == [int(stored["id"])]
        assert stored["options"][0]["options"][0]["autocomplete"] is True

        interaction = await fake_discord.send_slash_command("glossary define", {"term": "phishing"})
        callback = await fake_discord.wait_for_callback(interaction)
        assert callback.status == 200 and callback.json["type"] == 4
        embed = callback.json["data"]["embeds"][0]
        assert embed["title"] == "phishing" and embed["footer"]["text"] == "CyberGlossary"
        assert await wait(completed.get()) == "glossary define"
        original = fake_discord.original_response(interaction)
        assert original is not None and original["interaction_metadata"]["user"]["id"] == str(fake_discord.user.id)
        assert group.responses[0].message_id == int(original["id"])

        auto = await fake_discord.send_autocomplete("glossary define", {"term": "phi"}, focused="term")
        auto_callback = await fake_discord.wait_for_callback(auto)
        assert auto_callback.json["type"] == 8
        assert auto.choices == [
            {"name": "phishing", "value": "phishing"},
            {"name": "spear-phishing", "value": "spear-phishing"},
        ]

        slow = await fake_discord.send_slash_command("glossary random")
        assert (await fake_discord.wait_for_callback(slow)).json == {"type": 5, "data": {"flags": 64}}
        answer = await fake_discord.wait_for_response_message(slow, timeout=WAIT)
        assert answer["content"] == "ransomware" and answer["flags"] & 64  # follow-up replaced the "thinking" message
        await fake_discord.wait_for_request(
            "POST", rf"/webhooks/{fake_discord.application_id}/.+", lambda r: r.query["wait"] == "1"
        )


async def test_slow_interaction_response_expires_like_discord(fake_discord: FakeDiscord) -> None:
    fake_discord.interaction_timeout = 0.2
    bot = make_bot()
    errors: asyncio.Queue[Exception] = asyncio.Queue()

    @bot.tree.command(name="slow", description="Answers too late")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        await interaction.response.send_message("too late")

    @bot.tree.error
    async def on_tree_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await errors.put(error)

    async with fake_discord.run_client(bot):
        await wait(bot.tree.sync())
        interaction = await fake_discord.send_slash_command("slow")
        callback = await fake_discord.wait_for_callback(interaction)
        assert callback.status == 404 and callback.response["code"] == 10062
        error = await wait(errors.get())
        assert isinstance(error.__cause__, discord.NotFound)
        assert not interaction.acknowledged


class TermView(discord.ui.View):
    """A view with a button and a select, recording who used them."""

    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.clicked: asyncio.Queue[tuple[int, str]] = asyncio.Queue()

    @discord.ui.button(label="Reveal", style=discord.ButtonStyle.primary, custom_id="term:reveal")
    async def reveal(self, interaction: discord.Interaction, button: discord.ui.Button[TermView]) -> None:
        await interaction.response.edit_message(content="Phishing: tricking users into revealing secrets.", view=None)
        await self.clicked.put((interaction.user.id, "reveal"))

    @discord.ui.select(custom_id="term:pick", options=[discord.SelectOption(label=t, value=t) for t in TERMS])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[TermView]) -> None:
        await interaction.response.send_message(f"You picked {select.values[0]}", ephemeral=True)
        await self.clicked.put((interaction.user.id, select.values[0]))


async def test_button_and_select_reach_view_callbacks(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    async with fake_discord.run_client(bot):
        view = TermView()
        message = await wait(bot_channel(bot, fake_discord).send("Pick a term", view=view))
        stored = fake_discord.message(message.id)
        assert [c["custom_id"] for row in stored["components"] for c in row["components"]] == [
            "term:reveal",
            "term:pick",
        ]

        picked = await fake_discord.choose_select(message.id, "term:pick", ["ransomware"])
        picked_data = (await fake_discord.wait_for_callback(picked)).json["data"]
        assert picked_data["content"] == "You picked ransomware" and picked_data["flags"] == 64
        assert await wait(view.clicked.get()) == (fake_discord.user.id, "ransomware")

        clicked: FakeInteraction = await fake_discord.click_button(message.id, "term:reveal")
        callback = await fake_discord.wait_for_callback(clicked)
        assert callback.json["type"] == 7 and callback.status == 200
        assert await wait(view.clicked.get()) == (fake_discord.user.id, "reveal")
        updated = fake_discord.message(message.id)
        assert updated["content"].startswith("Phishing:") and updated["components"] == []
        with pytest.raises(ValueError, match="no component"):
            await fake_discord.click_button(message.id, "term:reveal")


async def test_invalid_payloads_are_rejected_like_discord(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    async with fake_discord.run_client(bot):
        channel = bot_channel(bot, fake_discord)
        with pytest.raises(discord.HTTPException) as too_long:
            await wait(channel.send("x" * 2001))
        assert too_long.value.status == 400 and too_long.value.code == 50035
        fake_discord.set_permission_overwrite(fake_discord.channel, fake_discord.guild.everyone_role, deny=1 << 11)
        fake_discord.set_permission_overwrite(
            fake_discord.channel, fake_discord.guild.role_named(fake_discord.bot_user.username), deny=1 << 11
        )
        with pytest.raises(discord.Forbidden) as forbidden:
            await wait(channel.send("not allowed here"))
        assert forbidden.value.code == 50013
        assert fake_discord.sent_messages(fake_discord.channel) == []


async def test_disallowed_privileged_intent_closes_with_4014() -> None:
    async with FakeDiscord(allowed_privileged_intents=0) as fake:
        fake.patch_discord()
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with fake.run_client(make_bot(message_content=True)):
                pytest.fail("the client must not become ready")
        assert fake.close_codes[-1] == ("server", 4014)


async def test_bot_close_is_clean(fake_discord: FakeDiscord) -> None:
    bot = make_bot()
    start_task = asyncio.create_task(bot.start(fake_discord.token))
    await fake_discord.wait_ready(timeout=WAIT)
    await wait(bot.wait_until_ready())
    await wait(bot.close())
    assert await wait(start_task) is None
    assert bot.is_closed()
    await fake_discord.wait_for(lambda: fake_discord.live_connection_count == 0, timeout=WAIT, description="ws closed")
    origin, code = fake_discord.close_codes[-1]
    # discord.py asks for 1000, but its reader task answers the close first with 4000 (resumable on Discord).
    assert origin == "client" and code in (1000, 4000)
    assert fake_discord.unhandled_requests == [] and fake_discord.server_errors == []


def test_network_guard_blocks_real_hosts(no_external_network: NetworkGuard) -> None:
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("discord.com", 443)
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("162.159.128.233", 443), timeout=1)
    assert len(no_external_network.blocked) == 2
    no_external_network.blocked.clear()  # expected attempts; the fixture fails the test on any others


class AdminCommands(app_commands.Group):
    """Manage Server by default, with a subgroup two levels deep (group -> subgroup -> subcommand)."""

    def __init__(self) -> None:
        super().__init__(
            name="admin", description="Server settings", guild_only=True,
            default_permissions=discord.Permissions(manage_guild=True),
        )
        self.calls: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        schedule = app_commands.Group(name="schedule", description="The daily post", parent=self)

        @schedule.command(name="set", description="Post daily")
        @app_commands.choices(kind=[app_commands.Choice(name="Term", value="term"),
                                    app_commands.Choice(name="Quiz", value="quiz")])
        async def schedule_set(
            interaction: discord.Interaction, channel: discord.TextChannel, kind: app_commands.Choice[str]
        ) -> None:
            await self.calls.put(("schedule set", {"channel": channel.id, "kind": kind.value}))
            await interaction.response.send_message("scheduled", ephemeral=True)


async def synced_admin_bot(fake: FakeDiscord) -> tuple[commands.Bot, AdminCommands]:
    bot = make_bot()
    group = AdminCommands()
    bot.tree.add_command(group)

    @bot.tree.command(name="hello", description="Anyone, anywhere")
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("hi")

    return bot, group


async def test_default_member_permissions_decide_who_can_invoke(fake_discord: FakeDiscord) -> None:
    bot, group = await synced_admin_bot(fake_discord)
    options = {"channel": fake_discord.channel, "kind": "quiz"}
    async with fake_discord.run_client(bot):
        await wait(bot.tree.sync())
        stored = fake_discord.find_command("admin")
        assert stored["default_member_permissions"] == str(1 << 5) and stored["dm_permission"] is False
        sent = len(fake_discord.interactions)
        with pytest.raises(CommandNotInvocable, match="manage_guild") as refused:
            await fake_discord.send_slash_command("admin schedule set", options)
        assert refused.value.reason == "missing_permissions" and refused.value.missing == 1 << 5
        assert isinstance(refused.value, PermissionError) and len(fake_discord.interactions) == sent  # nothing sent
        with pytest.raises(CommandNotInvocable):  # autocomplete is refused alike
            await fake_discord.send_autocomplete("admin schedule set", {"kind": "q"}, focused="kind")

        for who, role_permissions in (("owner", None), ("manager", 1 << 5), ("admin", 1 << 3)):
            user = fake_discord.owner
            if role_permissions is not None:
                user = fake_discord.add_user(who)
                fake_discord.add_member(
                    fake_discord.guild, user, roles=[fake_discord.add_role(fake_discord.guild, who,
                                                                           permissions=role_permissions)]
                )
            allowed = await fake_discord.send_slash_command("admin schedule set", options, user=user)
            assert (await fake_discord.wait_for_callback(allowed)).status == 200
            assert await wait(group.calls.get()) == ("schedule set", {"channel": fake_discord.channel.id,
                                                                      "kind": "quiz"})
        data = allowed.payload["data"]  # group -> subgroup -> subcommand, as the Discord client nests it
        assert [(o["name"], o["type"]) for o in data["options"]] == [("schedule", 2)]
        assert [(o["name"], o["type"]) for o in data["options"][0]["options"]] == [("set", 1)]

        fake_discord.set_permission_overwrite(fake_discord.channel, fake_discord.guild.everyone_role, deny=1 << 31)
        with pytest.raises(CommandNotInvocable, match="Use Application Commands"):
            await fake_discord.send_slash_command("hello")


async def test_guild_only_and_unknown_choices_never_reach_the_bot(fake_discord: FakeDiscord) -> None:
    bot, _ = await synced_admin_bot(fake_discord)
    async with fake_discord.run_client(bot):
        await wait(bot.tree.sync())
        dm = fake_discord.get_dm_channel(fake_discord.user)
        with pytest.raises(CommandNotInvocable, match="not available in DMs") as refused:
            await fake_discord.send_slash_command("admin schedule set", {}, user=fake_discord.owner, channel=dm)
        assert refused.value.reason == "not_in_dms"
        hello = await fake_discord.send_slash_command("hello", channel=dm)
        assert (await fake_discord.wait_for_callback(hello)).json["data"]["content"] == "hi"
        with pytest.raises(ValueError, match="not a choice"):
            await fake_discord.send_slash_command(
                "admin schedule set", {"channel": fake_discord.channel, "kind": "Quiz"}, user=fake_discord.owner
            )
        with pytest.raises(ValueError, match="needs a subcommand"):
            await fake_discord.send_slash_command("admin schedule", {}, user=fake_discord.owner)


async def test_team_owned_application_owners(fake_discord: FakeDiscord) -> None:
    second = fake_discord.add_user("co_owner")
    fake_discord.team = [fake_discord.owner, second]
    bot = make_bot()
    async with fake_discord.run_client(bot):
        assert await bot.is_owner(second) and await bot.is_owner(fake_discord.owner)
        assert not await bot.is_owner(fake_discord.user)


def option(name: str, otype: int = 3, **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": f"The {name}", "type": otype, **extra}


def command(*options: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "glossary", "description": "Glossary", "type": 1, "options": list(options), **extra}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (command(option("a", 2, options=[option("b", 2, options=[option("c", 1)])])), "nesting too deep"),
        (command(option("a", 1, options=[option("b", 1)])), "nesting too deep"),
        (command(option("a", 2, options=[option("b")])), "nesting too deep"),
        (command(option("sub", 1), option("term")), "mutually exclusive"),
        (command(option("kind", choices=[{"name": f"c{i}", "value": f"c{i}"} for i in range(26)])), "25 or fewer"),
        (command(option("days", 4, choices=[{"name": "a week", "value": "7"}])), "option type"),
        (command(option("Term")), "name is invalid"),
        (command(option("term", description="x" * 101)), "100 or fewer"),
        (command(*[option(f"o{i}") for i in range(26)]), "25 or fewer"),
        (command(option("a", 2)), "between 1 and 25"),
        ({**command(), "description": ""}, "between 1 and 100"),
        (command(default_member_permissions="manage"), "permission bitfield"),
        (command(*[option(f"o{i}", description="d" * 100, choices=[{"name": "n" * 100, "value": f"v{j}"}
                                                                     for j in range(25)]) for i in range(2)]),
         "4000 characters"),
    ],
)
def test_sync_rejects_what_discord_rejects(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(DiscordAPIError) as rejected:
        validate_command_list([payload])
    assert rejected.value.status == 400 and rejected.value.code == 50035
    assert field in str(rejected.value.errors)


def test_sync_accepts_group_subgroup_subcommand_and_choices() -> None:
    choices = [{"name": f"Category {i}", "value": f"cat{i}"} for i in range(25)]
    validate_command_list([
        command(option("totd", 2, options=[option("set", 1, options=[option("time", required=True)]),
                                           option("off", 1)]), option("stats", 1),
                default_member_permissions=str(1 << 5), contexts=[0]),
        {"name": "browse", "description": "Browse", "options": [option("category", choices=choices)]},
    ])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t"}] * 11}, "10 or fewer"),
        ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, "6000"),
        ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": f"b{i}"}]}
                         for i in range(6)]}, "5 or fewer"),
        ({"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}, "mutually exclusive"),
    ],
)
def test_messages_over_discords_limits_are_rejected(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(DiscordAPIError) as rejected:
        validate_message_payload(payload)
    assert rejected.value.code == 50035 and field in str(rejected.value.errors)
