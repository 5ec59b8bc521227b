"""Console text: an answer shows its entry's header and sections; misses say what happened."""

from __future__ import annotations

from bot.engine import Answer, GlossaryEngine
from bot.engine.answer import NOTE_UNKNOWN
from bot.render.text import HELP_LINE, header, render_text


def test_answer_has_header_and_sections(engine: GlossaryEngine) -> None:
    for entry in engine.glossary.entries[:20]:
        answer = engine.answer_for(entry, "how")
        text = render_text(answer)
        assert text.startswith(header(entry)) and entry.label in text and entry.category in text
        assert entry.definition.split()[0] in text
        assert all(f"{s.heading}:" in text for s in answer.sections)


def test_suggestions_list_names_with_numbers(engine: GlossaryEngine) -> None:
    answer = engine.ask("what is injection")
    assert answer.status == "suggest"
    text = render_text(answer)
    assert all(f"{e.term} (#{e.entry})" in text for e in answer.suggestions)


def test_unknown_and_chatter(engine: GlossaryEngine) -> None:
    unknown = Answer(query="what is a qwzx plorb", intent="define", status="unknown", term_text="qwzx plorb",
                     note=NOTE_UNKNOWN)
    assert "qwzx plorb" in render_text(unknown)
    assert render_text(engine.ask("lol")) == HELP_LINE


def test_long_user_text_is_shortened(engine: GlossaryEngine) -> None:
    answer = Answer(query="x", intent="define", status="unknown", term_text="qwzx " * 60, note=NOTE_UNKNOWN)
    assert all(len(line) <= 200 for line in render_text(answer).splitlines())
