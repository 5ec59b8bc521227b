"""Subcommands that need more than the engine: run, stats, totd."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date
from pathlib import Path

from bot.cli import glossary_dir
from bot.clock import Clock, utc_now
from bot.glossary.loader import load_glossary


def cmd_totd(args: argparse.Namespace, *, clock: Clock = utc_now) -> int:
    """Print the term of the day a server gets (or got) on a date; exit 1 when there is none, 2 on bad input.

    With ``--database``/``DATABASE_PATH`` naming an existing file, the server's settings (zone, seed) and post
    history are used; otherwise the prediction comes from the glossary alone (seed derived from the guild ID,
    dates in UTC), assuming the server posts every day from today on.
    """
    from bot.storage.database import DatabaseError
    from bot.totd import format_prediction, term_of_day

    target: date | None = None
    if getattr(args, "date", None):
        try:
            target = date.fromisoformat(args.date)
        except ValueError:
            print(f"error: --date must be YYYY-MM-DD (got {args.date!r})", file=sys.stderr)
            return 2
    guild_id = int(getattr(args, "guild", 0) or 0)
    glossary = load_glossary(glossary_dir(getattr(args, "glossary", None)))
    database = getattr(args, "database", None) or os.environ.get("DATABASE_PATH") or None
    if database and not Path(database).is_file():
        print(f"note: database {database} not found; predicting from the glossary alone", file=sys.stderr)
        database = None
    try:
        prediction = asyncio.run(term_of_day(glossary, guild_id, target, database=database, clock=clock))
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_prediction(prediction, glossary, guild_id, target))
    return 0 if prediction is not None else 1
