"""The offline console commands: ``chat`` (interactive), ``ask`` (one message per stdin line) and ``define TERM``.

They answer as the bot does, through the engine, and log their lookups like the bot (source ``console``,
``cli-ask``, ``cli-define``) to ``settings.database_path`` unless ``--no-log`` is given or the path is empty.
The engine and renderer are imported when a command runs, so other commands start without them.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from bot.cli.errors import warn
from bot.cli.history import open_history
from bot.config import Settings, console_history_path, ensure_data_dir
from bot.storage.console import ConsoleLookupLog

if TYPE_CHECKING:
    from bot.engine import GlossaryEngine

QUIT_WORDS = frozenset({"quit", "exit", ":q", "bye"})
PROMPT = "you> "


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``chat``, ``define`` and ``ask``."""
    p = sub.add_parser("chat", help="interactive offline console")
    _logging_options(p, "lookups")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("define", help="answer one term")
    p.add_argument("term", nargs="+")
    _logging_options(p, "the lookup")
    p.set_defaults(func=cmd_define)

    p = sub.add_parser("ask", help="answer one message per stdin line")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--no-context", action="store_true", help="treat every line on its own (no follow-ups)")
    _logging_options(p, "lookups")
    p.set_defaults(func=cmd_ask)


def _logging_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--database", help=f"log {what} to this SQLite file (default: DATABASE_PATH from the "
                        "environment or .env, else the user data directory)")
    parser.add_argument("--no-log", action="store_true", help=f"do not log {what} (chat: keep no history either)")


def lookup_log(args: argparse.Namespace, settings: Settings, source: str) -> ConsoleLookupLog:
    """The lookup log of a console command: off with ``--no-log`` or an empty database path."""
    path = None if getattr(args, "no_log", False) else settings.database_path or None
    if path is not None:
        ensure_data_dir(path)
    return ConsoleLookupLog(path, source, on_failure=warn)


def _engine(settings: Settings) -> GlossaryEngine:
    from bot.engine import GlossaryEngine
    from bot.glossary.loader import load_glossary

    return GlossaryEngine(load_glossary(settings.glossary_dir))


def cmd_define(args: argparse.Namespace, settings: Settings) -> int:
    """Print one answer for a term; exit 1 when the glossary has no such entry."""
    from bot.render.text import render_text

    engine = _engine(settings)
    answer = engine.define(" ".join(args.term))
    print(render_text(answer))
    log = lookup_log(args, settings, "cli-define")
    log.add(answer)
    log.flush()
    return 0 if answer.status == "answer" else 1


def cmd_ask(
    args: argparse.Namespace, settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Answer one message per line of stdin; with ``--json`` one JSON object per line."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    engine = _engine(settings)
    log = lookup_log(args, settings, "cli-ask")
    try:
        _answer_lines(engine, args, stdin, stdout, log)
    finally:
        log.flush()
    return 0


def _answer_lines(
    engine: GlossaryEngine, args: argparse.Namespace, stdin: TextIO, stdout: TextIO, log: ConsoleLookupLog
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


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """An interactive prompt that answers as the bot does, with follow-ups, line editing and history."""
    from bot.render.text import HELP_LINE, render_text

    engine = _engine(settings)
    print(f"CyberGlossary console: {len(engine.glossary)} entries. {HELP_LINE}")
    print("Type a question, or 'quit' to leave.\n")
    log = lookup_log(args, settings, "console")
    history = open_history(None if args.no_log else console_history_path())
    try:
        while True:
            try:
                message = input(PROMPT)
            except EOFError:
                print()
                break
            if message.strip().lower() in QUIT_WORDS:
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
        if history is not None:
            history.save()
    return 0
