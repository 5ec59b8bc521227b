"""``cyberglossary run``: the Discord bot. The only command that imports discord.py, and only when it runs.

Every failure the person starting the bot can fix (no token, a rejected token, a missing intent, an unusable
database, no connection) is one ``error:`` line and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from bot.cli.errors import fail
from bot.config import Settings, ensure_data_dir
from bot.glossary.model import Glossary

log = logging.getLogger("bot")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run``."""
    p = sub.add_parser("run", help="run the Discord bot")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Discord bot with the loaded settings (environment and ``.env``)."""
    from bot.glossary.loader import load_glossary

    if not settings.discord_token:
        return fail(
            "DISCORD_TOKEN is not set: put it in .env (see .env.example), "
            "or use `cyberglossary chat` for the offline console"
        )
    if not settings.database_path:
        return fail("DATABASE_PATH is empty: the bot needs a database file (unset it to use the default)")
    glossary = load_glossary(settings.glossary_dir)  # GlossaryError is reported by main()
    ensure_data_dir(settings.database_path)
    return start_bot(settings, glossary)


def start_bot(settings: Settings, glossary: Glossary) -> int:
    """Set up discord.py's logging and run the bot until it stops; return the exit status."""
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
        return fail("Discord rejected the token (DISCORD_TOKEN); reset it in the developer portal and update .env")
    except discord.PrivilegedIntentsRequired:
        return fail(
            "MESSAGE_CONTENT_INTENT is on but the Message Content intent is not enabled for this bot in the "
            "developer portal; enable it there or set MESSAGE_CONTENT_INTENT=false"
        )
    except DatabaseError as exc:
        return fail(str(exc))
    except (discord.GatewayNotFound, discord.ConnectionClosed, OSError) as exc:
        return fail(f"cannot connect to Discord: {exc}")
    finally:
        await bot.close()
    log.info("stopped cleanly")
    return 0
