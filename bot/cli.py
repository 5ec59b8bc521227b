"""Command line: ``cyberglossary`` (also ``python -m bot``).

Subcommands: ``chat`` (offline console), ``define TERM``, ``ask`` (one message per line, ``--json``),
``validate [DIR]``, ``run`` (the Discord bot), ``stats`` (lookup statistics) and ``totd`` (term of the day).
Commands that need no Discord never import discord.py, so they start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from bot.glossary.loader import GlossaryError, load_glossary
from bot.glossary.model import Glossary

if TYPE_CHECKING:
    from bot.engine import GlossaryEngine

DEFAULT_GLOSSARY_DIR = "glossary_data"


def glossary_dir(option: str | None) -> str:
    """``--glossary``, else ``GLOSSARY_DIR``, else ``glossary_data``."""
    return option or os.environ.get("GLOSSARY_DIR") or DEFAULT_GLOSSARY_DIR


def _load(option: str | None) -> Glossary:
    return load_glossary(glossary_dir(option))


def _engine(option: str | None):
    from bot.engine import GlossaryEngine

    return GlossaryEngine(_load(option))


def cmd_validate(args: argparse.Namespace) -> int:
    """Report every problem as path:line: message; exit 1 when there is any."""
    from bot.glossary.validator import validate_directory

    directory = args.directory or glossary_dir(args.glossary)
    entries, problems = validate_directory(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"{directory}: {len(entries)} entries, no problems")
    return 0


def cmd_define(args: argparse.Namespace) -> int:
    """Print one answer for a term."""
    from bot.render.text import render_text

    engine = _engine(args.glossary)
    answer = engine.define(" ".join(args.term))
    print(render_text(answer))
    log = ConsoleLog(args, "cli-define")
    log.add(answer)
    log.flush()
    return 0 if answer.status == "answer" else 1


def cmd_ask(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Answer one message per line of stdin; with --json one JSON object per line."""

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    engine = _engine(args.glossary)
    log = ConsoleLog(args, "cli-ask")
    try:
        _answer_lines(engine, args, stdin, stdout, log)
    finally:
        log.flush()
    return 0


def _answer_lines(
    engine: GlossaryEngine, args: argparse.Namespace, stdin: TextIO, stdout: TextIO, log: ConsoleLog
) -> None:
    from bot.render.text import render_text

    for line in stdin:
        message = line.rstrip("\n")
        if not message.strip():
            continue
        answer = engine.ask(message, conversation=None if args.no_context else "console")
        log.add(answer)
        reply = render_text(answer)
        if args.json:
            record = {
                "query": message,
                "intent": answer.intent,
                "term": answer.term,
                "entry": answer.entry_number,
                "score": round(answer.score, 1),
                "suggestions": [e.term for e in answer.suggestions] if answer.status == "suggest" else [],
                "reply": reply,
            }
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            stdout.write(reply + "\n\n")
        stdout.flush()


def cmd_chat(args: argparse.Namespace) -> int:
    """An interactive prompt that answers as the bot does, with follow-ups."""
    from bot.render.text import HELP_LINE, render_text

    engine = _engine(args.glossary)
    print(f"CyberGlossary console: {len(engine.glossary)} entries. {HELP_LINE}")
    print("Type a question, or 'quit' to leave.\n")
    log = ConsoleLog(args, "console")
    try:
        while True:
            try:
                message = input("you> ")
            except EOFError:
                print()
                break
            if message.strip().lower() in {"quit", "exit", ":q", "bye"}:
                break
            if not message.strip():
                continue
            answer = engine.ask(message, conversation="console")
            log.add(answer)
            print(render_text(answer) + "\n")
    except KeyboardInterrupt:
        print()
    finally:
        log.flush()
    return 0


class ConsoleLog:
    """The console's lookups, written to the same lookup log as the bot's (source ``console`` / ``cli-*``).

    The database is ``--database``, else ``DATABASE_PATH`` from the environment or ``.env`` (empty: no log),
    else ``cyberglossary.sqlite3``; ``--no-log`` turns it off. Rows are written every ``BATCH`` answers and on
    exit, so a long ``ask`` session loses nothing when it ends.
    """

    BATCH = 50

    def __init__(self, args: argparse.Namespace, source: str) -> None:
        self.source = source
        self.pending: list[object] = []
        self.path = None if getattr(args, "no_log", False) else self._database(getattr(args, "database", None))

    @staticmethod
    def _database(option: str | None) -> str | None:
        if option:
            return option
        if "DATABASE_PATH" in os.environ:
            return os.environ["DATABASE_PATH"] or None
        from bot.config import ConfigError, load_settings

        try:
            return load_settings().database_path or None
        except ConfigError:
            return "cyberglossary.sqlite3"

    def add(self, answer: object) -> None:
        """Queue one answer; write the batch when it is full."""
        if self.path is None:
            return
        self.pending.append(answer)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is queued; a failure is one warning line, never a traceback."""
        if self.path is None or not self.pending:
            return
        answers, self.pending = self.pending, []
        try:
            from bot.storage.console import log_answers

            asyncio.run(log_answers(self.path, answers, source=self.source))  # type: ignore[arg-type]
        except Exception as exc:  # the answers were given; logging must not turn into a traceback
            print(f"warning: {len(answers)} lookup(s) not logged: {exc}", file=sys.stderr)
            self.path = None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="cyberglossary", description="Cybersecurity glossary bot and console.")
    parser.add_argument("--glossary", help="glossary directory (default: $GLOSSARY_DIR or glossary_data)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("chat", help="interactive offline console")
    p.add_argument("--database", help="log lookups to this SQLite file (default: $DATABASE_PATH or .env)")
    p.add_argument("--no-log", action="store_true", help="do not log lookups")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("define", help="answer one term")
    p.add_argument("term", nargs="+")
    p.add_argument("--database", help="log the lookup to this SQLite file")
    p.add_argument("--no-log", action="store_true", help="do not log the lookup")
    p.set_defaults(func=cmd_define)

    p = sub.add_parser("ask", help="answer one message per stdin line")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--no-context", action="store_true", help="treat every line on its own (no follow-ups)")
    p.add_argument("--database", help="log lookups to this SQLite file")
    p.add_argument("--no-log", action="store_true", help="do not log lookups")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("validate", help="check glossary files; report path:line: message")
    p.add_argument("directory", nargs="?")
    p.set_defaults(func=cmd_validate)

    for name, helptext in (("run", "run the Discord bot"), ("stats", "print lookup statistics"),
                           ("totd", "print the term of the day")):
        p = sub.add_parser(name, help=helptext)
        p.set_defaults(func=_later(name))
        if name == "totd":
            p.add_argument("--date", help="YYYY-MM-DD (default: today in the server's zone)")
            p.add_argument("--guild", type=int, default=0, help="server (guild) ID")
            p.add_argument("--database", help="SQLite file with the server's settings and history "
                           "(default: $DATABASE_PATH; without one, predict from the glossary alone)")
        if name == "stats":
            p.add_argument("--database", help="SQLite file (default: $DATABASE_PATH)")
            p.add_argument("--days", type=int, default=30)
    return parser


_LATER = {"run": "bot.runner", "stats": "bot.runner", "totd": "bot.commands_extra"}


def _later(name: str):
    def run(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(_LATER[name]), f"cmd_{name}")(args)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GlossaryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: the glossary in {glossary_dir(args.glossary)} is invalid ({len(exc.problems)} problem(s))",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
