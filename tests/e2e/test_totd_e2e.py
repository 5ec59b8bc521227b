"""Term of the day through the emulated Discord: exactly one post, none again after a restart the same day.

Needs ``TotdService.run_due_now`` (the ``bot.totd`` package), which the TOTD cog's loop calls.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.glossary import Glossary

from .bot_fixtures import refused_for_lack_of_manage_server, reply_text, running_bot, settings_for
from .fake_discord import FakeDiscord

ZONE = ZoneInfo("Europe/Berlin")


class OffsetClock:
    """Real time shifted so that the bot's "now" is a few seconds before a whole minute."""

    def __init__(self, seconds_before_minute: float) -> None:
        real = datetime.now(UTC)
        target = (real + timedelta(minutes=1)).replace(second=0, microsecond=0) - timedelta(
            seconds=seconds_before_minute
        )
        self.offset = target - real
        self.post_at = target + timedelta(seconds=seconds_before_minute)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def totd_posts(fd: FakeDiscord) -> list[dict]:
    """Scheduled posts (channel messages), not interaction responses such as /totd today."""
    return [m for m in fd.sent_messages(fd.channel)
            if m.get("embeds") and m["embeds"][0].get("title", "").startswith("Term of the day")
            and not m.get("webhook_id")]


async def test_one_post_at_the_set_time_and_none_after_restart(
    fake_discord: FakeDiscord, tmp_path: Path, glossary: Glossary
) -> None:
    clock = OffsetClock(seconds_before_minute=4)
    settings = settings_for(fake_discord, tmp_path)
    local_time = clock.post_at.astimezone(ZONE).strftime("%H:%M")
    async with running_bot(fake_discord, settings, glossary, clock):
        options = {"channel": fake_discord.channel, "time": local_time, "timezone": "Europe/Berlin"}
        assert await refused_for_lack_of_manage_server(fake_discord, "glossary totd set", options)
        bad = await fake_discord.send_slash_command(
            "glossary totd set", {**options, "time": "25:99"}, user=fake_discord.owner
        )
        assert "not a time of day" in await reply_text(fake_discord, bad)
        done = await fake_discord.send_slash_command("glossary totd set", options, user=fake_discord.owner)
        assert f"at **{local_time}** (Europe/Berlin)" in await reply_text(fake_discord, done)
        await fake_discord.wait_for(lambda: len(totd_posts(fake_discord)) >= 1, timeout=70)
        assert abs((clock() - clock.post_at).total_seconds()) < 60  # on time
        post = totd_posts(fake_discord)[0]
        sends = fake_discord.find_requests("POST", rf"/channels/{fake_discord.channel.id}/messages")
        assert [r.json["allowed_mentions"] for r in sends] == [{"parse": []}]
        buttons = [c["custom_id"] for row in post["components"] for c in row["components"] if c["type"] == 2]
        assert any(b.startswith("cg:faq:how:") for b in buttons)
        await asyncio.sleep(1.5)
        assert len(totd_posts(fake_discord)) == 1
        status = await fake_discord.send_slash_command("glossary totd status", {}, user=fake_discord.owner)
        assert "Last post:" in await reply_text(fake_discord, status)
    # Restart the same day: the scheduler starts again and must not post twice.
    async with running_bot(fake_discord, settings, glossary, clock):
        await asyncio.sleep(2.0)
        today = await fake_discord.send_slash_command("totd today", {})
        await fake_discord.wait_for_callback(today)
        assert (today.response_data or {})["embeds"][0]["title"] == post["embeds"][0]["title"]
    assert len(totd_posts(fake_discord)) == 1
    with sqlite3.connect(settings.database_path) as conn:
        rows = conn.execute("SELECT guild_id, status FROM totd_posts").fetchall()
    assert rows == [(fake_discord.guild.id, "sent")]
