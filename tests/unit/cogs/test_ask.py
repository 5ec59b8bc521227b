"""The ask cog: who gets an answer, the chat limit, and that replies go through the reply service."""

from __future__ import annotations

from types import SimpleNamespace

from bot.config import Settings
from bot.engine import GlossaryEngine
from cogs.ask import RATE_NOTICE, Ask
from tests.unit.discord_ui.mocks import message, mock_bot


def test_addressed_rules(engine: GlossaryEngine) -> None:
    cog = Ask(mock_bot(engine))
    assert cog.addressed(message("what is xss", guild=False)) == (True, True)
    assert cog.addressed(message("what is xss", mentions_bot=True)) == (True, True)
    assert cog.addressed(message("what is xss", reply_to_bot=True)) == (True, True)
    assert cog.addressed(message("what is xss")) == (False, False)
    assert Ask(mock_bot(engine, opted=True)).addressed(message("what is xss")) == (True, False)


async def test_bots_and_chatter_get_no_reply(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine, opted=True)
    cog = Ask(bot)
    robot = message("what is xss", guild=False)
    robot.author.bot = True
    await cog.on_message(robot)
    await cog.on_message(message("ok thanks"))
    assert not bot.replies.reply.called and not bot.replies.reply_with.called


async def test_mention_question_is_answered_and_logged_as_chat(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    msg = message("<@999> what is xss", mentions_bot=True)
    await Ask(bot).on_message(msg)
    answer = bot.replies.reply.call_args.args[1]
    assert bot.replies.reply.call_args.args[0] is msg and bot.replies.reply.call_args.kwargs == {"source": "chat"}
    expected = engine.ask("what is xss")
    assert answer.status == "answer" and (answer.entry, answer.intent) == (expected.entry, expected.intent)
    dm = message("what is xss", guild=False)
    await Ask(bot).on_message(dm)
    assert bot.replies.reply.call_args.kwargs == {"source": "dm"}


async def test_text_commands_are_left_to_the_command_handler(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine)
    bot.get_context.return_value = SimpleNamespace(valid=True)
    await Ask(bot).on_message(message("<@999> sync", mentions_bot=True))
    assert not bot.replies.ask.called and not bot.replies.reply.called


async def test_rate_limit_notice_once_then_silence(engine: GlossaryEngine) -> None:
    bot = mock_bot(engine, settings=Settings(rate_limit_count=2, rate_limit_seconds=60))
    cog = Ask(bot)
    for _ in range(5):
        await cog.on_message(message("<@999> what is xss", mentions_bot=True))
    assert bot.replies.reply.call_count == 2
    notices = [c.args[1]["content"] for c in bot.replies.reply_with.call_args_list]
    assert notices == [RATE_NOTICE.format(seconds=60)]
    await cog.on_message(message("<@999> what is xss", mentions_bot=True, author_id=4))
    assert bot.replies.reply.call_count == 3  # another user is not limited
