"""The real bot, end to end, through the emulated Discord on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.glossary import Glossary
from bot.render.discord import PAGE_SIZE

from .bot_fixtures import refused_for_lack_of_manage_server, reply_text, running_bot, settings_for
from .fake_discord import FakeDiscord

CHANNEL_MESSAGES = r"/channels/\d+/messages"
GUILD_COMMANDS = r"/applications/\d+/guilds/\d+/commands"
MANAGE_GUILD = 1 << 5


def lookups(path: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        sql = "SELECT source, query, intent, entry, user_key, guild_id FROM lookups ORDER BY id"
        return conn.execute(sql).fetchall()


def embed_of(message: dict[str, Any]) -> dict[str, Any]:
    assert message["embeds"], message
    return message["embeds"][0]


async def mention(fd: FakeDiscord, text: str, **kwargs: Any) -> dict[str, Any]:
    before = len(fd.sent_messages(fd.channel))
    await fd.send_message(fd.channel, fd.user, f"<@{fd.bot_user.id}> {text}", **kwargs)
    await fd.wait_for(lambda: len(fd.sent_messages(fd.channel)) > before, timeout=5)
    return fd.sent_messages(fd.channel)[-1]


async def test_login_ready_and_command_sync(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    settings = settings_for(fake_discord, tmp_path)
    async with running_bot(fake_discord, settings, glossary) as bot:
        assert bot.is_ready() and bot.get_guild(fake_discord.guild.id) is not None
        intents = discord.Intents._from_value(fake_discord.identifies[-1]["intents"])
        assert not intents.message_content and intents.guild_messages and intents.dm_messages
        assert bot.synced == "synced"
        registered = {c["name"]: c for c in fake_discord.commands(fake_discord.guild.id)}
        assert {"define", "ask", "random", "browse", "glossary", "totd"} <= set(registered)
        admin = registered["glossary"]
        assert int(admin["default_member_permissions"]) == MANAGE_GUILD  # hidden from members without it
        groups = {o["name"]: o for o in admin["options"]}
        assert {o["name"] for o in groups["totd"]["options"]} == {"set", "off", "status", "preview"}
        assert [o["name"] for o in registered["totd"]["options"]] == ["today"]  # public
        assert registered["totd"].get("default_member_permissions") is None
    syncs = len(fake_discord.find_requests("PUT", GUILD_COMMANDS))
    assert syncs == 1
    # A restart with the same definitions does not sync again.
    async with running_bot(fake_discord, settings, glossary) as bot:
        assert bot.synced == "unchanged"
    assert len(fake_discord.find_requests("PUT", GUILD_COMMANDS)) == 1


async def test_define_autocomplete_and_buttons(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    settings = settings_for(fake_discord, tmp_path)
    phishing = glossary.by_name("Phishing")
    assert phishing is not None
    async with running_bot(fake_discord, settings, glossary):
        typing = await fake_discord.send_autocomplete("define", {"term": "phish"}, "term")
        await fake_discord.wait_for_callback(typing)
        choices = typing.choices or []
        assert 0 < len(choices) <= 25 and choices[0]["value"] == "Phishing"
        assert all(1 <= len(c["name"]) <= 100 for c in choices)

        asked = await fake_discord.send_slash_command("define", {"term": "phising"})
        await fake_discord.wait_for_callback(asked)
        assert asked.response_type == 4
        data = asked.response_data or {}
        assert data["embeds"][0]["title"] == "Phishing"
        assert phishing.label in data["embeds"][0]["footer"]["text"]
        assert data["allowed_mentions"] == {"parse": []}
        message = await fake_discord.wait_for_response_message(asked)

        pressed = await fake_discord.click_button(message, f"cg:faq:defend:{phishing.entry}")
        await fake_discord.wait_for_callback(pressed)
        answer = (pressed.response_data or {})["embeds"][0]
        assert answer["title"] == "Phishing" and "How to defend" in answer["description"]

        related = next(o["value"] for row in message["components"] for c in row["components"]
                       if c.get("custom_id") == f"cg:rel:{phishing.entry}" for o in c["options"])
        chosen = await fake_discord.choose_select(message, f"cg:rel:{phishing.entry}", [related])
        await fake_discord.wait_for_callback(chosen)
        assert (chosen.response_data or {})["embeds"][0]["title"] == glossary.by_number(int(related)).term
    rows = lookups(settings.database_path)
    assert [r[0] for r in rows] == ["slash", "button", "select"]  # autocomplete keystrokes are not lookups
    assert rows[0][3] == phishing.entry and rows[1][2] == "defend"


async def test_unsure_and_unknown_define(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        unsure = await fake_discord.send_slash_command("define", {"term": "injection"})
        await fake_discord.wait_for_callback(unsure)
        data = unsure.response_data or {}
        assert data.get("flags", 0) & 64  # ephemeral
        buttons = [c for row in data["components"] for c in row["components"]]
        assert 2 <= len(buttons) <= 5 and all(b["custom_id"].startswith("cg:faq:define:") for b in buttons)
        nothing = await fake_discord.send_slash_command("define", {"term": "qwzx plorb"})
        await fake_discord.wait_for_callback(nothing)
        assert (nothing.response_data or {}).get("flags", 0) & 64
        assert "no entry" in (nothing.response_data or {})["content"]


async def test_mention_question_and_follow_up(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    settings = settings_for(fake_discord, tmp_path)
    phishing = glossary.by_name("Phishing")
    assert phishing is not None
    async with running_bot(fake_discord, settings, glossary):
        first = await mention(fake_discord, "what is phishing?")
        assert embed_of(first)["title"] == "Phishing"
        follow = await mention(fake_discord, "how do you defend against it?")
        assert embed_of(follow)["title"] == "Phishing"
        assert "How to defend" in embed_of(follow)["description"]
        chatter = await mention(fake_discord, "thanks!")
        assert not chatter["embeds"] and "Ask me about a security term" in chatter["content"]
        # Not addressed and not an opted-in channel: silence.
        before = len(fake_discord.sent_messages(fake_discord.channel))
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, "what is xss")
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, f"<@{fake_discord.bot_user.id}> ok")
        await fake_discord.wait_for(lambda: len(fake_discord.sent_messages(fake_discord.channel)) > before)
        assert len(fake_discord.sent_messages(fake_discord.channel)) == before + 1
    rows = lookups(settings.database_path)
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("chat", "define", phishing.entry), ("chat", "defend", phishing.entry), ("chat", "none", None),
        ("chat", "none", None),
    ]
    assert rows[0][4] and rows[0][4] != str(fake_discord.user.id)  # pseudonymous user key, not the raw ID


async def test_dm_question(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        dm = fake_discord.get_dm_channel(fake_discord.user)
        await fake_discord.send_dm(fake_discord.user, "how does sql injection work")
        reply = await fake_discord.wait_for_message(dm)
        assert embed_of(reply)["title"] == "SQL Injection"
        assert "How it works" in embed_of(reply)["description"]


async def test_everyone_and_role_mentions_never_ping(
    fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary
) -> None:
    role = fake_discord.add_role(fake_discord.guild, "mods")
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        await mention(fake_discord, f"what is @everyone <@&{role.id}> <@{fake_discord.user.id}> qwzx")
        requests = fake_discord.find_requests("POST", CHANNEL_MESSAGES)
        assert requests
        for request in requests:
            assert request.json["allowed_mentions"]["parse"] == []
            assert not request.json["allowed_mentions"].get("users")
            assert not request.json["allowed_mentions"].get("roles")
            assert "@everyone" not in (request.json.get("content") or "").replace("@\u200beveryone", "")


async def test_rate_limited_send_is_retried(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        fake_discord.rate_limit_next("POST", CHANNEL_MESSAGES, retry_after=0.3)
        reply = await mention(fake_discord, "what is ransomware")
        assert embed_of(reply)["title"] == "Ransomware"
        attempts = fake_discord.find_requests("POST", CHANNEL_MESSAGES)
        assert [r.status for r in attempts] == [429, 200]


async def test_user_rate_limit_notice_shown_once(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    settings = settings_for(fake_discord, tmp_path, rate_limit_count=2, rate_limit_seconds=60.0)
    async with running_bot(fake_discord, settings, glossary):
        await mention(fake_discord, "what is xss")
        await mention(fake_discord, "what is csrf")
        notice = await mention(fake_discord, "what is ssrf")
        assert "faster than I can keep up" in notice["content"]
        before = len(fake_discord.sent_messages(fake_discord.channel))
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, f"<@{fake_discord.bot_user.id}> idor")
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, f"<@{fake_discord.bot_user.id}> xxe")
        other = fake_discord.add_user("bob")
        fake_discord.add_member(fake_discord.guild, other)
        await fake_discord.send_message(fake_discord.channel, other, f"<@{fake_discord.bot_user.id}> what is xss")
        reply = await fake_discord.wait_for_message(fake_discord.channel, lambda m: len(m.get("embeds", [])) > 0
                                                    and m.get("message_reference") is not None
                                                    and int(m["id"]) > int(notice["id"]))
        assert embed_of(reply)["title"] == "Cross-Site Scripting"
        assert len(fake_discord.sent_messages(fake_discord.channel)) == before + 1  # silent for alice, bob answered


async def test_gateway_disconnect_is_recovered(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        await fake_discord.disconnect_gateway(4000)
        await fake_discord.wait_resumed(timeout=10)
        reply = await mention(fake_discord, "what is a botnet")
        assert embed_of(reply)["title"] == "Botnet"


async def test_opted_in_channel_answers_without_mention(
    fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary
) -> None:
    settings = settings_for(fake_discord, tmp_path, message_content=True)
    async with running_bot(fake_discord, settings, glossary):
        assert await refused_for_lack_of_manage_server(
            fake_discord, "glossary channels add", {"channel": fake_discord.channel}
        )
        added = await fake_discord.send_slash_command(
            "glossary channels add", {"channel": fake_discord.channel}, user=fake_discord.owner
        )
        await fake_discord.wait_for_callback(added)
        assert "I'll answer questions" in (added.response_data or {})["content"]
        before = len(fake_discord.sent_messages(fake_discord.channel))
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, "lol ok")
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, "how does a honeypot work")
        reply = await fake_discord.wait_for_message(fake_discord.channel, lambda m: bool(m.get("embeds")))
        assert embed_of(reply)["title"] == "Honeypot"
        assert len(fake_discord.sent_messages(fake_discord.channel)) == before + 1  # no reply to "lol ok"
    # The opt-in survives a restart.
    async with running_bot(fake_discord, settings, glossary) as bot:
        assert bot.store.is_opted_in(fake_discord.guild.id, fake_discord.channel.id)
    assert discord.Intents._from_value(fake_discord.identifies[-1]["intents"]).message_content


async def test_clean_shutdown_keeps_every_lookup(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    settings = settings_for(fake_discord, tmp_path, rate_limit_count=100)
    questions = ["what is xss", "what is csrf", "how does phishing work", "other names for mfa", "qwzx plorb"]
    async with running_bot(fake_discord, settings, glossary):
        for q in questions:
            await mention(fake_discord, q)
        for _ in range(20):
            interaction = await fake_discord.send_slash_command("ask", {"question": "what is a rootkit"})
            await fake_discord.wait_for_callback(interaction)
    rows = lookups(settings.database_path)
    assert len(rows) == 25
    assert sum(1 for r in rows if r[3] is None) == 1 and rows[4][1] == "qwzx plorb"


async def test_stats_command(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        await mention(fake_discord, "what is xss")
        await mention(fake_discord, "what is a nonce")
        stats = await fake_discord.send_slash_command("glossary stats", {}, user=fake_discord.owner)
        await fake_discord.wait_for_callback(stats)
        assert stats.response_type == 5  # deferred before the database work
        text = await reply_text(fake_discord, stats)
        assert "Cross-Site Scripting" in text and "what is a nonce" in text and "50% answer rate" in text


@pytest.mark.parametrize("term", ["Phishing", "Reinforcement Learning from Human Feedback"])
async def test_embed_within_limits(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary, term: str) -> None:
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        asked = await fake_discord.send_slash_command("define", {"term": term})
        await fake_discord.wait_for_callback(asked)
        assert asked.response_type == 4  # the fake rejects embeds over Discord's limits with a 400


async def test_sigterm_flushes_the_log(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    """``cyberglossary run``'s runner: SIGTERM closes the bot and every queued lookup reaches the database."""
    import asyncio
    import os
    import signal

    from bot.cli.run import run_bot

    settings = settings_for(fake_discord, tmp_path, rate_limit_count=100)
    task = asyncio.create_task(run_bot(settings, glossary))
    await fake_discord.wait_ready(timeout=10)
    synced = r"/applications/\d+/guilds/\d+/commands"
    await fake_discord.wait_for(lambda: bool(fake_discord.find_requests("PUT", synced)), timeout=10)
    for q in ["what is xss", "what is csrf", "what is ssrf"]:
        await mention(fake_discord, q)
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, timeout=15) == 0
    expected = [glossary.by_name(name) for name in ("Cross-Site Scripting", "Cross-Site Request Forgery",
                                                    "Server-Side Request Forgery")]
    assert [r[3] for r in lookups(settings.database_path)] == [e.entry for e in expected if e is not None]
    assert len(expected) == 3 and None not in expected


async def test_rejected_token_is_one_clear_line(
    fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.run import run_bot

    settings = settings_for(fake_discord, tmp_path, discord_token="not-the-token")
    assert await run_bot(settings, glossary) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Discord rejected the token") and "\n" not in err


async def test_unusable_database_is_one_clear_line(
    fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.run import run_bot

    settings = settings_for(fake_discord, tmp_path, database_path=str(tmp_path / "missing" / "db.sqlite3"))
    assert await run_bot(settings, glossary) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot open database") and "\n" not in err


async def test_browse_pages_with_buttons(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    category = "Cryptography"
    index = glossary.categories().index(category)
    pages = -(-len(glossary.in_category(category)) // PAGE_SIZE)
    assert pages >= 2, "the test needs a category with more than one page"
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        browse = fake_discord.find_command("browse", guild_id=fake_discord.guild.id)
        offered = [c["value"] for c in browse["options"][0]["choices"]]
        assert set(glossary.categories()) <= set(offered) and len(offered) <= 25
        shown = await fake_discord.send_slash_command("browse", {"category": category})
        await fake_discord.wait_for_callback(shown)
        first = (shown.response_data or {})["embeds"][0]
        assert first["title"] == category and f"Page 1/{pages}" in first["footer"]["text"]
        message = await fake_discord.wait_for_response_message(shown)
        turned = await fake_discord.click_button(message, f"cg:browse:{index}:1")
        await fake_discord.wait_for_callback(turned)
        assert turned.response_type == 7  # the listing is edited in place
        assert f"Page 2/{pages}" in (turned.response_data or {})["embeds"][0]["footer"]["text"]
        with pytest.raises(ValueError):  # not one of the choices: the Discord client never sends it
            await fake_discord.send_slash_command("browse", {"category": "basket weaving"})


async def test_owner_sync_text_command(fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary) -> None:
    """``@bot sync`` is the fallback when slash commands are broken: the owner's works, anyone else's does nothing."""
    async with running_bot(fake_discord, settings_for(fake_discord, tmp_path), glossary):
        syncs = len(fake_discord.find_requests("PUT", GUILD_COMMANDS))
        before = len(fake_discord.sent_messages(fake_discord.channel))
        bot_mention = f"<@{fake_discord.bot_user.id}>"
        await fake_discord.send_message(fake_discord.channel, fake_discord.user, f"{bot_mention} sync")
        asked = await fake_discord.send_message(fake_discord.channel, fake_discord.owner, f"{bot_mention} sync")
        done = await fake_discord.wait_for_message(
            fake_discord.channel, lambda m: "Commands synced" in (m.get("content") or "")
        )
        assert int(done["message_reference"]["message_id"]) == int(asked["id"])
        assert len(fake_discord.find_requests("PUT", GUILD_COMMANDS)) == syncs + 1
        assert len(fake_discord.sent_messages(fake_discord.channel)) == before + 1  # nothing at all for alice

        await fake_discord.send_message(
            fake_discord.channel, fake_discord.owner, f"<@{fake_discord.bot_user.id}> sync global"
        )
        await fake_discord.wait_for(
            lambda: fake_discord.find_requests("PUT", r"/applications/\d+/commands"), timeout=5
        )
        assert {c["name"] for c in fake_discord.commands()} >= {"define", "glossary"}
