"""Command line: ``cyberglossary`` (also ``python -m bot``).

One module per command group: ``console`` (``chat``, ``define TERM``, ``ask``), ``validate [DIR]``, ``run`` (the
Discord bot), ``stats`` (lookup statistics) and ``totd`` (term of the day). ``main`` reads the settings once
through ``bot.config.load_settings`` (environment over ``.env``), applies ``--glossary`` and ``--database``, and
hands them to the command. Commands that need no Discord never import discord.py, so they start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace

from bot.cli import console, run, stats, totd, validate
from bot.cli.errors import fail
from bot.config import ConfigError, Settings, load_settings
from bot.glossary.loader import GlossaryError

EXIT_INTERRUPTED = 130

__all__ = ["build_parser", "main", "settings_for"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="cyberglossary", description="Cybersecurity glossary bot and console.")
    parser.add_argument("--glossary", help="glossary directory (default: GLOSSARY_DIR from the environment or "
                        ".env, else glossary_data)")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (console, validate, run, stats, totd):
        module.add_parsers(sub)
    return parser


def settings_for(args: argparse.Namespace, settings: Settings) -> Settings:
    """``settings`` with the command line's ``--glossary`` and ``--database`` applied."""
    if args.glossary:
        settings = replace(settings, glossary_dir=args.glossary)
    if getattr(args, "database", None):
        settings = replace(settings, database_path=args.database)
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = settings_for(args, load_settings())
    except ConfigError as exc:
        return fail(str(exc))
    try:
        return int(args.func(args, settings) or 0)
    except GlossaryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return fail(f"the glossary in {settings.glossary_dir} is invalid ({len(exc.problems)} problem(s))")
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
