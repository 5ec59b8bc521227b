"""``cyberglossary stats [--days N]``: lookup statistics for the whole database (what ``/glossary stats`` shows)."""

from __future__ import annotations

import argparse
import asyncio
import os

from bot.cli.errors import fail
from bot.config import Settings

TOP_ROWS = 10
"""How many top terms and top unanswered questions are listed."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``stats``."""
    p = sub.add_parser("stats", help="print lookup statistics")
    p.add_argument("--database", help="SQLite file (default: DATABASE_PATH from the environment or .env, else "
                   "the user data directory)")
    p.add_argument("--days", type=int, default=30, help="days per-day counts go back (default: 30)")
    p.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print lookup statistics; exit 2 when there is no database to read."""
    from bot.glossary.loader import GlossaryError, load_glossary
    from bot.render.stats import stats_text
    from bot.storage.database import Database, DatabaseError
    from bot.storage.lookups import summary

    path = settings.database_path
    if not path:
        return fail("DATABASE_PATH is empty, so there is no lookup log to read (pass --database)")
    if not os.path.isfile(path):
        return fail(f"no database at {path} (set DATABASE_PATH or pass --database)")
    try:
        glossary = load_glossary(settings.glossary_dir)
    except (GlossaryError, OSError):  # statistics still make sense without term names
        glossary = None

    async def summarise() -> str:
        db = await Database.open(path)
        try:
            return stats_text(await summary(db, days=args.days, limit=TOP_ROWS), glossary)
        finally:
            await db.close()

    try:
        print(asyncio.run(summarise()))
    except DatabaseError as exc:
        return fail(str(exc))
    return 0
