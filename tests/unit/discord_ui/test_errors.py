"""The one error path: each error type gets its own short private message; our faults are logged."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.discord_ui.errors import APOLOGY, NOT_ALLOWED, OUT_OF_DATE, SERVERS_ONLY, report_error, user_message
from bot.discord_ui.tree import GlossaryTree

from .mocks import mock_interaction, sent_text


def _transformer_error(cause: Exception) -> app_commands.TransformerError:
    transformer = SimpleNamespace(_error_display_name="PostTime")
    error = app_commands.TransformerError("25:99", discord.AppCommandOptionType.string, transformer)  # type: ignore[arg-type]
    error.__cause__ = cause
    return error


CASES: list[tuple[app_commands.AppCommandError, str]] = [
    (app_commands.MissingPermissions(["manage_guild"]), "You need the Manage Server permission"),
    (app_commands.BotMissingPermissions(["send_messages", "embed_links"]), "I need the Send Messages and Embed Links"),
    (app_commands.NoPrivateMessage(), SERVERS_ONLY),
    (app_commands.CommandOnCooldown(app_commands.Cooldown(1, 60), 12.2), "try again in 13 s"),
    (app_commands.CheckFailure(), NOT_ALLOWED),
    (app_commands.MissingRole("mods"), NOT_ALLOWED),
    (_transformer_error(ValueError("'25:99' is not a time of day")), "'25:99' is not a time of day"),
    (_transformer_error(TypeError("internal")), "doesn't work here"),
    (app_commands.CommandNotFound("old", []), OUT_OF_DATE),
]


@pytest.mark.parametrize(("error", "expected"), CASES, ids=[type(e).__name__ for e, _ in CASES])
def test_each_error_type_has_its_own_message(error: app_commands.AppCommandError, expected: str) -> None:
    text = user_message(error)
    assert text is not None and expected in text


def test_cooldown_and_bot_permissions_are_not_the_manage_server_message() -> None:
    """The bug the review found: every CheckFailure subclass was answered with "You need Manage Server"."""
    for error, _ in CASES[1:6]:
        assert "Manage Server" not in (user_message(error) or "")


def test_our_faults_have_no_user_message() -> None:
    assert user_message(app_commands.CommandInvokeError(SimpleNamespace(name="x"), RuntimeError("db gone"))) is None  # type: ignore[arg-type]


async def test_report_answers_privately_or_follows_up() -> None:
    fresh = mock_interaction(done=False)
    await report_error(fresh, app_commands.NoPrivateMessage(), where="/x")
    assert sent_text(fresh) == SERVERS_ONLY and not fresh.followup.send.called
    answered = mock_interaction(done=True)
    await report_error(answered, app_commands.NoPrivateMessage(), where="/x")
    assert sent_text(answered) == SERVERS_ONLY and not answered.response.send_message.called


async def test_unexpected_errors_are_logged_with_traceback_and_apologised_for(caplog: pytest.LogCaptureFixture) -> None:
    interaction = mock_interaction()
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        error = exc
    with caplog.at_level(logging.ERROR, logger="bot.discord_ui.errors"):
        await report_error(interaction, error, where="component cg:faq:how:1")
    assert sent_text(interaction) == APOLOGY and "boom" not in sent_text(interaction)
    record = next(r for r in caplog.records if "cg:faq:how:1" in r.getMessage())
    assert record.exc_info is not None and record.exc_info[1] is error


async def test_a_failed_notice_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    interaction = mock_interaction()
    response: Any = SimpleNamespace(status=404, reason="Not Found")
    interaction.response.send_message.side_effect = discord.NotFound(response, "Unknown interaction")
    await report_error(interaction, app_commands.CheckFailure(), where="/x")
    assert any("could not tell the user" in r.getMessage() for r in caplog.records)


async def test_tree_on_error_uses_the_shared_path() -> None:
    tree = GlossaryTree.__new__(GlossaryTree)  # on_error needs no client state
    interaction = mock_interaction()
    await tree.on_error(interaction, app_commands.MissingPermissions(["manage_guild"]))
    assert "Manage Server" in sent_text(interaction)
