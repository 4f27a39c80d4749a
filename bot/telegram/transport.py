"""The outbox transport for channel "telegram": render, add buttons, send within the limits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, LinkPreviewOptions
from sqlmodel import Session

from bot.telegram.keyboards import keyboard_for
from bot.telegram.ratelimit import SendLimiter
from bot.telegram.render import render, split_message
from intake.messaging.channels import Channel
from intake.messaging.outbox import Delivery, PermanentError, Sent, TransientError
from intake.messaging.rendering import Rendered, register_renderer
from intake.people.contacts import reroute_to_email
from storage.models import Outbox

log = logging.getLogger(__name__)
MAX_WAITS = 5
MAX_WAIT_SECONDS = 30
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class TelegramUnreachable(PermanentError):
    """The user never started the bot or blocked it: switch them to e-mail."""


def render_chat(template: str, language: str, data: Mapping[str, Any]) -> Rendered:
    """A chat message as it is sent: its HTML text and its inline buttons (as JSON)."""
    markup = keyboard_for(template, language, data)
    buttons = markup.model_dump(mode="json", exclude_none=True)["inline_keyboard"] \
        if markup else None
    return Rendered(text=render(template, language, data), buttons=buttons)


register_renderer("telegram", render_chat)


class TelegramTransport:
    def __init__(self, bot: Bot, limiter: SendLimiter | None = None):
        self.bot = bot
        self.limiter = limiter or SendLimiter()

    async def __call__(self, delivery: Delivery) -> Sent:
        if not delivery.recipient:
            raise TelegramUnreachable("the contact has no Telegram chat")
        chat_id = int(delivery.recipient)
        rendered = delivery.rendered or render_chat(delivery.template, delivery.language,
                                                    delivery.data)
        markup = InlineKeyboardMarkup(inline_keyboard=rendered.buttons) \
            if rendered.buttons else None
        parts = split_message(rendered.text)
        message_id = ""
        for index, part in enumerate(parts):
            # A retried review resends every part: better twice than a gap in the answers.
            await self.limiter.wait(delivery.recipient)
            last = index == len(parts) - 1
            message_id = str(await self._send(chat_id, part, markup if last else None))
        return Sent(message_id, None if delivery.rendered is not None else rendered)

    async def send_batch(self, deliveries: Sequence[Delivery]) -> list[Any]:
        """Different chats at once, each chat's messages in order; the limiter paces them."""
        outcomes: dict[int, Any] = {}
        chats: dict[str, list[Delivery]] = {}
        for delivery in deliveries:
            chats.setdefault(delivery.recipient, []).append(delivery)

        async def one_chat(queue: list[Delivery]) -> None:
            for delivery in queue:
                try:
                    outcomes[delivery.id] = await self(delivery)
                except Exception as exc:  # noqa: BLE001 - recorded by the outbox
                    outcomes[delivery.id] = exc

        await asyncio.gather(*(one_chat(queue) for queue in chats.values()))
        return [outcomes[delivery.id] for delivery in deliveries]

    async def _send(self, chat_id: int, text: str, markup: object) -> int:
        """Send one message; a short flood wait is sat out here, so a chat's order holds."""
        for _ in range(MAX_WAITS):
            try:
                return await self._send_once(chat_id, text, markup)
            except TelegramRetryAfter as exc:
                if exc.retry_after > MAX_WAIT_SECONDS:
                    raise TransientError(exc.message, retry_after=exc.retry_after) from exc
                # Telegram asks the whole bot to pause: the worker waits before anything else.
                log.warning("Telegram asks to wait %s s", exc.retry_after)
                await asyncio.sleep(exc.retry_after)
        raise TransientError("Telegram kept asking to wait", retry_after=MAX_WAIT_SECONDS)

    async def _send_once(self, chat_id: int, text: str, markup: object) -> int:
        try:
            sent = await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                               reply_markup=markup,  # type: ignore[arg-type]
                                               link_preview_options=NO_PREVIEW)
        except TelegramForbiddenError as exc:
            raise TelegramUnreachable(exc.message) from exc
        except (TelegramNetworkError, TelegramServerError) as exc:
            raise TransientError(str(exc)) from exc
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message:
                raise TelegramUnreachable(exc.message) from exc
            raise PermanentError(exc.message) from exc
        return sent.message_id


def on_undeliverable(session: Session, row: Outbox, exc: PermanentError, now: datetime) -> None:
    """The outbox hook: a chat that cannot be reached gets the same message by e-mail."""
    if row.channel == "telegram" and isinstance(exc, TelegramUnreachable):
        rerouted = reroute_to_email(session, row, now)
        log.info("outbox %s: Telegram unreachable, re-sent by e-mail as %s", row.id,
                 rerouted.id if rerouted else None)


def telegram_channel(transport: TelegramTransport) -> Channel:
    return Channel("telegram", transport, transport.send_batch, on_undeliverable)
