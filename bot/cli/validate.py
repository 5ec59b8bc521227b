"""``cyberglossary validate [DIR]``: check glossary files and report every problem as ``path:line: message``."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``validate``."""
    p = sub.add_parser("validate", help="check glossary files; report path:line: message")
    p.add_argument("directory", nargs="?", help="glossary directory (default: --glossary, then GLOSSARY_DIR)")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Report every problem; exit 1 when there is any."""
    from bot.glossary.validator import validate_directory

    directory = args.directory or settings.glossary_dir
    entries, problems = validate_directory(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"{directory}: {len(entries)} entries, no problems")
    return 0
