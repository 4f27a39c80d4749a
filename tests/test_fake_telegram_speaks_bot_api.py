"""The fake Bot API answers aiogram 3's real HTTP client the way Telegram does."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.support.fake_telegram import FakeBotAPI, polling, run_against_fake

KIM = 1001
ALEX = 1002


def echo_dispatcher() -> Dispatcher:
    router = Router(name="echo")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def test_an_aiogram_echo_bot_answers_a_users_message() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        async with polling(echo_dispatcher(), bot):
            tg.send_user_message(KIM, "Hej från Kim", first_name="Kim")
            reply = await tg.wait_for_bot_message(KIM)
        assert reply["text"] == "Hej från Kim"
        assert reply["chat"] == {"id": KIM, "type": "private", "first_name": "Kim"}
        assert reply["from"]["username"] == "intake_test_bot"
        assert {r.method for r in tg.requests()} >= {"getMe", "getUpdates", "sendMessage"}

    run_against_fake(body)


def test_get_me_reports_the_configured_username() -> None:
    async def main() -> None:
        async with FakeBotAPI(username="another_test_bot") as tg:
            bot = tg.make_bot()
            me = await bot.get_me()
            await bot.session.close()
        assert (me.username, me.is_bot, me.id) == ("another_test_bot", True, bot.id)

    asyncio.run(main())


def test_a_button_press_arrives_as_a_callback_query_and_its_answer_is_recorded() -> None:
    router = Router()
    pressed: list[str] = []

    @router.message(F.text == "/menu")
    async def menu(message: Message) -> None:
        button = InlineKeyboardButton(text="Nästa", callback_data="next:42")
        await message.answer(
            "Fråga 1", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
        )

    @router.callback_query(F.data.startswith("next:"))
    async def on_next(query: CallbackQuery) -> None:
        pressed.append(query.data)
        await query.answer("Sparat")

    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        dispatcher = Dispatcher()
        dispatcher.include_router(router)
        async with polling(dispatcher, bot):
            tg.send_user_message(KIM, "/menu")
            question = await tg.wait_for_bot_message(KIM)
            assert tg.buttons(KIM, question["message_id"])[0]["text"] == "Nästa"
            update_id = tg.press_button(KIM, question["message_id"], "next:42")
            answer = await tg.wait_for_callback_answer(update_id)
        assert pressed == ["next:42"]
        assert answer["text"] == "Sparat"
        assert len(tg.requests("answerCallbackQuery")) == 1

    run_against_fake(body)


def test_pressing_a_button_the_message_does_not_have_is_refused_unless_forged() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        sent = await bot.send_message(KIM, "Utan knappar")
        with pytest.raises(ValueError, match="has no button"):
            tg.press_button(KIM, sent.message_id, "next:1")
        assert tg.press_button(KIM, sent.message_id, "forged", check=False) > 0

    run_against_fake(body)


def test_a_rate_limit_raises_telegram_retry_after_with_the_given_delay() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        tg.inject_rate_limit(2, retry_after=7)
        for _ in range(2):
            with pytest.raises(TelegramRetryAfter) as raised:
                await bot.send_message(KIM, "svar")
            assert raised.value.retry_after == 7
            assert "retry after 7" in raised.value.message
        await bot.send_message(KIM, "svar")  # the third one goes through
        statuses = [r.status for r in tg.requests("sendMessage")]
        assert statuses == [429, 429, 200]

    run_against_fake(body)


def test_a_user_who_blocks_the_bot_gives_a_kicked_update_and_then_forbidden() -> None:
    router = Router()
    statuses: list[str] = []

    @router.my_chat_member()
    async def member_changed(update: Any) -> None:
        statuses.append(update.new_chat_member.status)

    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        dispatcher = Dispatcher()
        dispatcher.include_router(router)
        tg.send_user_message(KIM, "hej")
        async with polling(dispatcher, bot):
            update_id = tg.block_bot(KIM)
            await tg.wait_until_confirmed(update_id)
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(KIM, "Påminnelse")
        assert statuses == ["kicked"]
        assert tg.is_blocked(KIM)

    run_against_fake(body)


def test_a_user_who_never_started_the_bot_gives_forbidden_and_a_stranger_chat_not_found() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.add_user(ALEX, "Alex")
        with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
            await bot.send_message(ALEX, "Hej")
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(999_999, "Hej")

    run_against_fake(body)


def test_long_polling_returns_as_soon_as_an_update_arrives() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        poll = asyncio.create_task(bot.get_updates(timeout=20))
        await tg.wait_for_requests("getUpdates")
        started = time.monotonic()
        tg.send_user_message(KIM, "nu")
        updates = await poll
        assert time.monotonic() - started < 5  # the poll asked for 20 s
        assert [u.message.text for u in updates] == ["nu"]

    run_against_fake(body)


def test_long_polling_with_nothing_to_deliver_waits_for_its_timeout() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == []
        assert 0.9 < time.monotonic() - started < 10

    run_against_fake(body)


def test_offsets_confirm_updates_so_nothing_is_delivered_twice() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        first = tg.send_user_message(KIM, "ett")
        second = tg.send_user_message(KIM, "två")
        unconfirmed = await bot.get_updates(timeout=0)
        again = await bot.get_updates(timeout=0)
        assert [u.update_id for u in unconfirmed] == [u.update_id for u in again] == [first, second]
        limited = await bot.get_updates(offset=first + 1, limit=1, timeout=0)
        assert [u.update_id for u in limited] == [second]
        assert await bot.get_updates(offset=second + 1, timeout=0) == []
        assert tg.pending_update_ids() == []
        third = tg.send_user_message(KIM, "tre")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [third]

    run_against_fake(body)


def test_updates_outside_allowed_updates_are_dropped_not_delivered() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        tg.block_bot(KIM)
        updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
        assert [u.message.text for u in updates] == ["hej"]
        assert [next(iter(u.keys() - {"update_id"})) for u in tg.dropped_updates()] == [
            "my_chat_member"
        ]

    run_against_fake(body)


def test_a_second_poller_ends_the_first_with_a_conflict() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        first = asyncio.create_task(bot.get_updates(timeout=20))
        await tg.wait_for_requests("getUpdates")
        other = tg.make_bot()
        second = asyncio.create_task(other.get_updates(timeout=1))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await first
        assert await second == []
        await other.session.close()

    run_against_fake(body)


def test_malformed_html_is_rejected_with_cant_parse_entities() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        for broken in ("<b>Fråga 1", "Intäkter < kostnader", "rad 1<br>rad 2", "<b>x</i>"):
            with pytest.raises(TelegramBadRequest, match="can't parse entities"):
                await bot.send_message(KIM, broken, parse_mode="HTML")
        sent = await bot.send_message(
            KIM, "<b>Fråga 1</b>: Intäkter &lt; kostnader &amp; mer", parse_mode="HTML"
        )
        assert sent.text == "Fråga 1: Intäkter < kostnader & mer"
        assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 7)]
        assert len(tg.bot_messages(KIM)) == 1

    run_against_fake(body)


def test_a_text_over_4096_characters_is_rejected_as_too_long() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(KIM, "x" * 4097)
        # The limit counts the text after HTML parsing, as Telegram does.
        await bot.send_message(KIM, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(KIM, "<b> </b>", parse_mode="HTML")

    run_against_fake(body)


def test_set_my_commands_is_recorded_per_language_and_scope() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        await bot.set_my_commands([BotCommand(command="next", description="Nästa fråga")])
        await bot.set_my_commands(
            [BotCommand(command="next", description="Next question")], language_code="en"
        )
        private = BotCommandScopeAllPrivateChats()
        await bot.set_my_commands([BotCommand(command="help", description="Hjälp")], scope=private)
        assert tg.commands() == [{"command": "next", "description": "Nästa fråga"}]
        assert tg.commands("en") == [{"command": "next", "description": "Next question"}]
        assert tg.commands(scope={"type": "all_private_chats"})[0]["command"] == "help"
        assert [c.description for c in await bot.get_my_commands(language_code="en")] == [
            "Next question"
        ]
        await bot.delete_my_commands(language_code="en")
        assert tg.commands("en") == []
        with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(command="Nästa", description="x")])

    run_against_fake(body)


def test_an_unknown_method_gives_404_method_not_found() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        with pytest.raises(TelegramNotFound, match="method not found"):
            await bot.send_photo(KIM, photo="AgACAgIAAxkBAAIB")  # not spoken by the fake

    run_against_fake(body)
