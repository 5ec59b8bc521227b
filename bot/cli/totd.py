"""``cyberglossary totd [--date YYYY-MM-DD] [--guild ID]``: which term a server gets (or got) on a date.

With a database that exists (``--database``, else ``DATABASE_PATH``, else the default in the user data
directory), the server's settings (zone, seed) and post history are used; otherwise the prediction comes from the
glossary alone (seed derived from the guild ID, dates in UTC), assuming the server posts every day from today on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from bot.cli.errors import fail
from bot.clock import Clock, utc_now
from bot.config import Settings, default_database_path
from bot.glossary.model import Glossary
from bot.storage.totd import CLAIMED, SENDING, SENT
from bot.totd.rotation import PREDICTED, Prediction, entry_numbers, predict, seed_for_guild
from bot.totd.schedule import local_date_of

_STATUS_TEXT = {PREDICTED: "predicted", SENT: "posted", CLAIMED: "being posted", SENDING: "being posted"}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``totd``."""
    p = sub.add_parser("totd", help="print the term of the day")
    p.add_argument("--date", help="YYYY-MM-DD (default: today in the server's zone)")
    p.add_argument("--guild", type=int, default=0, help="server (guild) ID")
    p.add_argument("--database", help="SQLite file with the server's settings and history (default: "
                   "DATABASE_PATH from the environment or .env, else the user data directory; without one, "
                   "predict from the glossary alone)")
    p.set_defaults(func=cmd_totd)


def cmd_totd(args: argparse.Namespace, settings: Settings, *, clock: Clock = utc_now) -> int:
    """Print the term of the day a server gets (or got) on a date; exit 1 when there is none, 2 on bad input."""
    from bot.glossary.loader import load_glossary
    from bot.storage.database import DatabaseError

    target: date | None = None
    if args.date:
        try:
            target = date.fromisoformat(args.date)
        except ValueError:
            return fail(f"--date must be YYYY-MM-DD (got {args.date!r})")
    guild_id = int(args.guild or 0)
    glossary = load_glossary(settings.glossary_dir)
    database: str | None = settings.database_path or None
    if database and not Path(database).is_file():
        if database != default_database_path():  # a path the user named: say that it was not used
            print(f"note: database {database} not found; predicting from the glossary alone", file=sys.stderr)
        database = None
    try:
        prediction = asyncio.run(term_of_day(glossary, guild_id, target, database=database, clock=clock))
    except DatabaseError as exc:
        return fail(str(exc))
    print(format_prediction(prediction, glossary, guild_id, target))
    return 0 if prediction is not None else 1


async def term_of_day(
    glossary: Glossary, guild_id: int, target: date | None, *, database: str | None = None, clock: Clock = utc_now
) -> Prediction | None:
    """The term a guild gets on ``target`` (default: its today): from the database's settings and history when
    ``database`` is given, else offline with the seed derived from the guild ID, in UTC."""
    if database is None:
        today = local_date_of(clock(), "UTC")
        return predict(entry_numbers(glossary), seed_for_guild(guild_id), [], target or today, today)
    from bot.storage.database import Database
    from bot.totd.service import TotdService

    db = await Database.open(database)
    try:
        return await TotdService(db, glossary, clock=clock, token="cli").term_for(guild_id, target)
    finally:
        await db.close()


def format_prediction(prediction: Prediction | None, glossary: Glossary, guild_id: int, target: date | None) -> str:
    """Console text for a prediction: a head line with term, entry, category and status, then the definition."""
    if prediction is None:
        when = target.isoformat() if target else "today"
        return f"{when} (server {guild_id}): no term of the day was posted on that date"
    how = _STATUS_TEXT.get(prediction.status)
    if how is None:
        error = prediction.record.error if prediction.record else None
        how = f"not delivered: {error}" if error else prediction.status
    head = f"{prediction.local_date.isoformat()} (server {guild_id}):"
    entry = glossary.by_number(prediction.entry)
    if entry is None:
        return f"{head} entry {prediction.entry} (no longer in the glossary) [{how}]"
    return f"{head} {entry.term} ({entry.label}, {entry.category}) [{how}]\n  {entry.definition}"
