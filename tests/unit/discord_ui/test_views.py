"""Views built from the rendered component contents stay within Discord's component limits."""

from __future__ import annotations

from bot.discord_ui.views import answer_view, browse_view, suggestion_view
from bot.engine import GlossaryEngine
from bot.glossary import Glossary
from bot.render.discord import browse_page


def test_answer_views_within_limits(engine: GlossaryEngine, glossary: Glossary) -> None:
    for entry in glossary:
        view = answer_view(engine.answer_for(entry, "define"), glossary)
        assert view is not None
        rows = view.to_components()
        assert len(rows) <= 5
        for row in rows:
            assert len(row["components"]) <= 5
            for component in row["components"]:
                assert len(component["custom_id"]) <= 100
                if component["type"] == 3:
                    assert 1 <= len(component["options"]) <= 25
                    assert all(len(o["label"]) <= 100 for o in component["options"])


def test_every_item_is_dynamic_so_discord_py_keeps_no_view(engine: GlossaryEngine, glossary: Glossary) -> None:
    view = answer_view(engine.answer_for(glossary.entries[0], "define"), glossary)
    assert view is not None and all(type(i).__name__ in {"FAQButton", "RelatedSelect"} for i in view.children)


def test_suggestions_are_buttons(glossary: Glossary) -> None:
    view = suggestion_view(list(glossary.entries[:7]))
    buttons = [c for row in view.to_components() for c in row["components"]]
    assert len(buttons) == 5 and buttons[0]["label"] == glossary.entries[0].term and buttons[0]["style"] == 1


def test_browse_buttons_disabled_at_the_ends(glossary: Glossary) -> None:
    first = browse_page(glossary, 0, 0)
    buttons = [c for row in browse_view(first).to_components() for c in row["components"]]
    assert buttons[0]["disabled"] and buttons[1]["disabled"] == (first.pages == 1)
    last = browse_page(glossary, 0, 10_000)
    buttons = [c for row in browse_view(last).to_components() for c in row["components"]]
    assert buttons[1]["disabled"] and buttons[0]["disabled"] == (last.pages == 1)
