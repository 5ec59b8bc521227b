"""The reply service: the engine in its own thread, lookups logged before sending, replies that never ping."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import discord
import pytest

from bot.discord_ui.replies import ReplyService, conversation_of
from bot.engine import GlossaryEngine
from bot.storage.lookups import LookupLog, LookupRecord

from .mocks import START, message, mock_interaction


@pytest.fixture
def lookups() -> Any:
    return mock.create_autospec(LookupLog, instance=True, spec_set=True)


@pytest.fixture
def service(engine: GlossaryEngine, lookups: Any) -> Any:
    replies = ReplyService(engine, lookups, user_secret=b"secret", clock=lambda: START)
    yield replies
    replies.close()


async def test_engine_runs_in_one_worker_thread_not_on_the_loop(service: ReplyService, engine: GlossaryEngine) -> None:
    threads: list[str] = []
    real_ask = engine.ask

    def ask(text: str, conversation: Any = None) -> Any:
        threads.append(threading.current_thread().name)
        return real_ask(text, conversation)

    with mock.patch.object(engine, "ask", ask):
        await service.ask("what is phishing", conversation=(1, 2))
        await service.ask("how do you defend against it", conversation=(1, 2))
    assert len(set(threads)) == 1 and threads[0] != threading.main_thread().name
    assert threads[0].startswith("glossary-engine")


async def test_follow_up_question_keeps_the_conversation(service: ReplyService) -> None:
    first = await service.ask("what is phishing", conversation=(1, 2))
    follow = await service.ask("how do you defend against it", conversation=(1, 2))
    assert follow.entry == first.entry and follow.intent == "defend"


async def test_closed_service_refuses_new_work(engine: GlossaryEngine, lookups: Any) -> None:
    replies = ReplyService(engine, lookups, user_secret=b"s")
    replies.close()
    with pytest.raises(RuntimeError):
        await replies.ask("what is xss")


async def test_respond_logs_first_even_when_the_send_fails(service: ReplyService, lookups: Any) -> None:
    answer = await service.ask("what is xss")
    interaction = mock_interaction()
    interaction.response.send_message.side_effect = discord.HTTPException(mock.Mock(status=500, reason="x"), "x")
    with pytest.raises(discord.HTTPException):
        await service.respond(interaction, answer, source="slash")
    record: LookupRecord = lookups.record.call_args.args[0]
    assert record.source == "slash" and record.entry == answer.entry_number and record.user_key != "3"


async def test_answers_are_public_misses_private(service: ReplyService) -> None:
    hit = mock_interaction()
    await service.respond(hit, await service.ask("what is xss"), source="slash")
    assert hit.response.send_message.call_args.kwargs["ephemeral"] is False
    assert "embed" in hit.response.send_message.call_args.kwargs
    miss = mock_interaction(done=True)  # already deferred: the followup carries it
    await service.respond(miss, await service.ask("what is a qwzx plorb"), source="slash")
    kwargs = miss.followup.send.call_args.kwargs
    assert kwargs["ephemeral"] is True and "content" in kwargs and not miss.response.send_message.called


async def test_chat_reply_never_fails_on_a_deleted_message_and_never_pings(service: ReplyService) -> None:
    msg = message("<@999> what is xss", mentions_bot=True)
    await service.reply(msg, await service.ask("what is xss"), source="chat")
    msg.to_reference.assert_called_once_with(fail_if_not_exists=False)
    kwargs = msg.channel.send.call_args.kwargs
    assert kwargs["reference"] is msg.to_reference.return_value and kwargs["mention_author"] is False
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}  # replied_user off: mention_author=False


async def test_missing_permission_to_reply_is_logged_not_raised(
    service: ReplyService, caplog: pytest.LogCaptureFixture
) -> None:
    msg = message("what is xss")
    msg.channel.send.side_effect = discord.Forbidden(mock.Mock(status=403, reason="Forbidden"), "Missing Access")
    await service.reply_with(msg, {"content": "hi"})
    assert any("no permission" in r.getMessage() for r in caplog.records)


async def test_button_answers_the_entry_and_remembers_it(service: ReplyService, engine: GlossaryEngine) -> None:
    entry = engine.glossary.entries[0]
    interaction = mock_interaction()
    await service.answer_entry(interaction, entry.entry, "how", source="button")
    embed = interaction.response.send_message.call_args.kwargs["embed"]
    assert embed.title == entry.term
    follow = await service.ask("how do you defend against it", conversation_of(interaction.user, 2))
    assert follow.entry == entry


async def test_button_for_a_removed_entry(service: ReplyService, engine: GlossaryEngine) -> None:
    interaction = mock_interaction()
    missing = max(e.entry for e in engine.glossary.entries) + 1
    await service.answer_entry(interaction, missing, "how", source="button")
    assert "no longer" in interaction.response.send_message.call_args.args[0]


async def test_category_listing_and_paging(service: ReplyService, engine: GlossaryEngine) -> None:
    category = engine.glossary.categories()[0]
    shown = mock_interaction()
    await service.show_category(shown, category)
    assert shown.response.send_message.call_args.kwargs["embed"].title == category
    turned = mock_interaction()
    await service.turn_page(turned, 0, 1)
    assert turned.response.edit_message.called
