"""The test-facing side of the fake: users who write, edit, press, block; injected faults."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import ClientSession, FormData, web

from tests.support.fake_telegram import BotAPIError, FakeBotAPI, run_against_fake

KIM = 1001


def keyboard(*data: str) -> InlineKeyboardMarkup:
    buttons = [[InlineKeyboardButton(text=f"Knapp {d}", callback_data=d)] for d in data]
    return InlineKeyboardMarkup(inline_keyboard=buttons)


def test_a_deep_link_becomes_a_start_command_with_its_payload() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.open_deep_link(KIM, "https://t.me/intake_test_bot?start=tok_123-abc")
        (update,) = await bot.get_updates(timeout=0)
        assert update.message.text == "/start tok_123-abc"
        assert update.message.entities[0].type == "bot_command"
        with pytest.raises(ValueError, match="invalid deep-link payload"):
            tg.open_deep_link(KIM, "https://t.me/intake_test_bot?start=a=b")
        with pytest.raises(ValueError, match="not a link to @intake_test_bot"):
            tg.open_deep_link(KIM, "https://t.me/other_bot?start=abc")

    run_against_fake(body)


def test_an_edited_user_message_arrives_as_edited_message() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "Första utkast")
        (first,) = await bot.get_updates(timeout=0)
        tg.edit_user_message(KIM, first.message.message_id, "Rättat svar")
        (edit,) = await bot.get_updates(offset=first.update_id + 1, timeout=0)
        assert edit.edited_message.message_id == first.message.message_id
        assert edit.edited_message.text == "Rättat svar"
        assert edit.edited_message.edit_date is not None

    run_against_fake(body)


def test_edits_replace_text_and_keyboard_and_waits_can_see_them() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        sent = await bot.send_message(KIM, "Fråga 1", reply_markup=keyboard("a", "b"))
        assert (await tg.wait_for_bot_message(KIM))["reply_markup"]["inline_keyboard"]
        await bot.edit_message_reply_markup(
            chat_id=KIM, message_id=sent.message_id, reply_markup=keyboard("c")
        )
        assert [b["callback_data"] for b in tg.buttons(KIM, sent.message_id)] == ["c"]
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_reply_markup(
                chat_id=KIM, message_id=sent.message_id, reply_markup=keyboard("c")
            )
        # Editing the text without reply_markup removes the keyboard, as on Telegram.
        await bot.edit_message_text("Fråga 1 (besvarad)", chat_id=KIM, message_id=sent.message_id)
        edit = await tg.wait_for_bot_message(KIM, include_edits=True)
        assert "edit_date" in edit and "reply_markup" in edit
        edit = await tg.wait_for_bot_message(KIM, include_edits=True)
        assert edit["text"] == "Fråga 1 (besvarad)" and "reply_markup" not in edit
        assert [m["text"] for m in tg.bot_messages(KIM)] == ["Fråga 1 (besvarad)"]
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("x", chat_id=KIM, message_id=999)

    run_against_fake(body)


def test_callback_data_over_64_bytes_is_refused() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(KIM, "Fråga", reply_markup=keyboard("å" * 33))

    run_against_fake(body)


def test_a_callback_query_can_be_answered_only_once() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        sent = await bot.send_message(KIM, "Fråga", reply_markup=keyboard("next"))
        update_id = tg.press_button_by_text(KIM, sent.message_id, "Knapp next")
        (update,) = await bot.get_updates(offset=update_id, timeout=0)
        assert update.callback_query.data == "next"
        assert update.callback_query.message.message_id == sent.message_id
        await bot.answer_callback_query(update.callback_query.id)
        assert tg.callback_answer(update_id) == {}
        with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
            await bot.answer_callback_query(update.callback_query.id)

    run_against_fake(body)


def test_injected_errors_hit_the_named_method_and_chat_only() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        tg.send_user_message(1002, "hej")
        tg.inject_error("sendMessage", BotAPIError(502, "Bad Gateway"), chat_id=KIM)
        await bot.send_message(1002, "går fram")
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(KIM, "fastnar")
        await bot.send_message(KIM, "går fram")

    run_against_fake(body)


def test_the_request_log_measures_send_rates() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        for user in (KIM, 1002):
            tg.send_user_message(user, "hej")
        await asyncio.gather(*(bot.send_message(KIM, f"{n}") for n in range(4)))
        await bot.send_message(1002, "en")
        assert tg.request_rate("sendMessage") == 5
        assert tg.request_rate("sendMessage", chat_id=KIM) == 4
        assert tg.request_rate("sendMessage", window=1e-9) == 1

    run_against_fake(body)


def test_form_json_multipart_and_query_bodies_are_all_understood() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        url = f"{tg.url}/bot{tg.token}/sendMessage"
        markup = json.dumps({"inline_keyboard": [[{"text": "Ok", "callback_data": "ok"}]]})
        multipart = FormData({"chat_id": str(KIM), "text": "multipart"})
        multipart.add_field("document", b"bytes", filename="x.txt")
        async with ClientSession() as http:
            replies = [
                await http.post(url, data={"chat_id": KIM, "text": "form", "reply_markup": markup}),
                await http.post(url, json={"chat_id": KIM, "text": "json"}),
                await http.post(url, data=multipart),
                await http.get(url, params={"chat_id": KIM, "text": "query"}),
                await http.post(f"{tg.url}/bot{tg.token}/noSuchMethod"),
            ]
            payloads = [await reply.json() for reply in replies]
        assert [r.status for r in replies] == [200, 200, 200, 200, 404]
        assert [p["result"]["text"] for p in payloads[:4]] == ["form", "json", "multipart", "query"]
        assert payloads[0]["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ok"
        assert payloads[4] == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }

    run_against_fake(body)


def test_a_webhook_gets_each_update_with_the_secret_and_may_answer_with_a_method() -> None:
    received: list[tuple[dict, str | None]] = []
    fail_first = [True]

    async def webhook(request: web.Request) -> web.Response:
        if fail_first.pop() if fail_first else False:
            return web.Response(status=500)
        update = await request.json()
        received.append((update, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        chat_id = update["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": chat_id, "text": "Tack"})

    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        app = web.Application()
        app.router.add_post("/hook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
            with pytest.raises(Exception, match="webhook is active"):
                await bot.get_updates(timeout=0)
            update_id = tg.send_user_message(KIM, "hej via webhook")
            reply = await tg.wait_for_bot_message(KIM)
            await tg.wait_until_confirmed(update_id)
            info = await bot.get_webhook_info()
        finally:
            await runner.cleanup()
        assert reply["text"] == "Tack"
        assert [(u["update_id"], secret) for u, secret in received] == [(update_id, "s3cret")]
        assert "500" in info.last_error_message and info.pending_update_count == 0

    run_against_fake(body)


def test_waiting_can_skip_to_a_matching_message_or_past_everything_sent() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        tg.send_user_message(KIM, "hej")
        for text in ("Sparat (12 tecken)", "Fråga 2: Hur många besök?", "Sparat (3 tecken)"):
            await bot.send_message(KIM, text)
        question = await tg.wait_for_bot_message(KIM, match=lambda m: "Fråga" in m["text"])
        assert question["text"].startswith("Fråga 2")
        tg.mark_read(KIM)
        await tg.expect_no_bot_message(KIM, within=0.1)

    run_against_fake(body)


def test_with_a_fixed_token_any_other_token_is_unauthorized() -> None:
    async def body(tg: FakeBotAPI, bot: Bot) -> None:
        stranger = Bot("4242424242:AAOtherTokenOtherTokenOtherToken123", session=bot.session)
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
        assert (await bot.get_me()).username == "intake_test_bot"

    run_against_fake(body, token="4242424242:AAExactTokenExactTokenExactToken12")
