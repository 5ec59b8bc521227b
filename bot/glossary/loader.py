"""Load a glossary directory, refusing an invalid one with the validator's messages."""

from __future__ import annotations

import os

from bot.glossary.model import Glossary
from bot.glossary.validator import Problem, validate_directory


class GlossaryError(Exception):
    """The glossary could not be loaded; ``problems`` lists every reason as ``path:line: message``."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the glossary:\n{shown}{more}")


def load_glossary(directory: str | os.PathLike[str]) -> Glossary:
    """Read and validate every entry under ``directory``; raise ``GlossaryError`` listing all problems."""
    entries, problems = validate_directory(directory)
    if problems:
        raise GlossaryError(problems)
    return Glossary.of(entries)
