"""The admin cog: /glossary carries Manage Server, every subcommand checks it too, stats defers, sync is the
owner's (slash and text)."""

from __future__ import annotations

from unittest import mock

import discord
from discord import app_commands
from discord.ext import commands

from bot.engine import GlossaryEngine
from bot.storage.lookups import StatsSummary
from cogs import admin as admin_module
from cogs.admin import Admin
from tests.unit.discord_ui.mocks import mock_bot, mock_interaction


def subcommands() -> list[app_commands.Command]:
    return [c for c in Admin.glossary.walk_commands() if isinstance(c, app_commands.Command)]


def test_glossary_group_is_for_server_managers_in_servers() -> None:
    assert Admin.glossary.default_permissions == discord.Permissions(manage_guild=True)
    assert Admin.glossary.guild_only
    names = {c.qualified_name for c in subcommands()}
    assert {"glossary totd set", "glossary totd off", "glossary totd status", "glossary totd preview",
            "glossary channels add", "glossary stats", "glossary sync"} <= names


def test_every_subcommand_checks_its_permission_at_run_time() -> None:
    """Default permissions can be overridden by server admins, so the commands check again."""
    for command in subcommands():
        checks = [c.__qualname__ for c in command.checks]
        if command.name == "sync":
            assert any("_is_owner" in c for c in checks), command.qualified_name
        else:
            assert any("has_permissions" in c for c in checks), command.qualified_name


async def test_stats_defers_before_the_database(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    order: list[str] = []
    interaction = mock_interaction()
    interaction.response.defer.side_effect = lambda **_: order.append("defer")
    bot.lookups = mock.AsyncMock()
    bot.lookups.flush.side_effect = lambda: order.append("flush")
    empty = StatsSummary(days=30, total=0, answered=0, per_day=[], top_terms=[], top_unanswered=[])
    # patch the module object Admin came from (load_extension in other tests puts a fresh copy in sys.modules)
    with mock.patch.object(admin_module, "summary", mock.AsyncMock(return_value=empty)):
        await Admin.stats.callback(Admin(bot), interaction, 30)
    assert order == ["defer", "flush"]
    assert interaction.followup.send.call_args.kwargs["ephemeral"] is True


async def test_totd_set_uses_the_service(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    interaction = mock_interaction()
    interaction.guild = None
    channel = mock.create_autospec(discord.TextChannel, instance=True)
    channel.id, channel.mention = 5, "<#5>"
    bot.totd_service.set.return_value = mock.Mock(
        enabled=True, time="09:00", tz="UTC", next_post=None, next_entry=None, last_post=None, last_error=None
    )
    await Admin.totd_set.callback(Admin(bot), interaction, channel, "09:00", "UTC")
    bot.totd_service.set.assert_awaited_once_with(1, 5, "09:00", "UTC")
    assert "**09:00** (UTC) in <#5>" in interaction.response.send_message.call_args.args[0]


def test_totd_set_parameters_validate_and_suggest_zones() -> None:
    parameters = {p.name: p for p in Admin.totd_set.parameters}
    assert parameters["time"].type is discord.AppCommandOptionType.string and parameters["time"].required
    assert parameters["timezone"].autocomplete and parameters["timezone"].default == "UTC"


def test_sync_text_command_is_owner_only() -> None:
    command = Admin.sync_text
    assert isinstance(command, commands.Command) and command.name == "sync"
    assert any("is_owner" in c.__qualname__ for c in command.checks)
