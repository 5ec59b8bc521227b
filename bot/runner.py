"""``cyberglossary run`` (the Discord bot) and ``cyberglossary stats``: one clear line on failure, no traceback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from dataclasses import replace

from bot.config import ConfigError, Settings, load_settings
from bot.glossary.loader import load_glossary
from bot.glossary.model import Glossary

log = logging.getLogger("bot")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_run(args: argparse.Namespace) -> int:
    """Start the Discord bot with settings from the environment and ``.env``."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc))
    if args.glossary:
        settings = replace(settings, glossary_dir=args.glossary)
    if not settings.discord_token:
        return _fail(
            "DISCORD_TOKEN is not set: put it in .env (see .env.example), "
            "or use `cyberglossary chat` for the offline console"
        )
    glossary = load_glossary(settings.glossary_dir)  # GlossaryError is reported by the CLI
    import discord

    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)
    return asyncio.run(run_bot(settings, glossary))


async def run_bot(settings: Settings, glossary: Glossary) -> int:
    """Run until Ctrl-C or SIGTERM; on the way out the lookup queue is flushed and the database closed."""
    import discord

    from bot.client import GlossaryBot
    from bot.storage.database import DatabaseError

    bot = GlossaryBot(settings, glossary=glossary)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
    try:
        async with bot:
            await bot.start(settings.discord_token or "")
            # discord.py's __aexit__ skips close() once the gateway is closed, but our shutdown (flushing the
            # lookup log, closing the database) may still be running: wait for it before the loop ends.
            await bot.close()
    except discord.LoginFailure:
        return _fail("Discord rejected the token (DISCORD_TOKEN); reset it in the developer portal and update .env")
    except discord.PrivilegedIntentsRequired:
        return _fail(
            "MESSAGE_CONTENT_INTENT is on but the Message Content intent is not enabled for this bot in the "
            "developer portal; enable it there or set MESSAGE_CONTENT_INTENT=false"
        )
    except DatabaseError as exc:
        return _fail(str(exc))
    except (discord.GatewayNotFound, discord.ConnectionClosed, OSError) as exc:
        return _fail(f"cannot connect to Discord: {exc}")
    finally:
        await bot.close()
    log.info("stopped cleanly")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print lookup statistics for the whole database."""
    from bot.render.stats import stats_text
    from bot.storage.database import Database, DatabaseError
    from bot.storage.lookups import summary

    path = args.database or os.environ.get("DATABASE_PATH") or "cyberglossary.sqlite3"
    if not os.path.isfile(path):
        return _fail(f"no database at {path} (set DATABASE_PATH or pass --database)")
    glossary = None
    with contextlib.suppress(Exception):
        glossary = load_glossary(args.glossary or os.environ.get("GLOSSARY_DIR") or "glossary_data")

    async def run() -> str:
        db = await Database.open(path)
        try:
            return stats_text(await summary(db, days=args.days, limit=10), glossary)
        finally:
            await db.close()

    try:
        print(asyncio.run(run()))
    except DatabaseError as exc:
        return _fail(str(exc))
    return 0
