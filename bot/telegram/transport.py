"""The outbox transport for channel "telegram": render, add buttons, send within the limits."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import LinkPreviewOptions
from sqlmodel import Session

from bot.telegram.keyboards import keyboard_for
from bot.telegram.ratelimit import SendLimiter
from bot.telegram.render import render, split_message
from intake.messaging.outbox import Delivery, PermanentError, TransientError
from intake.people.contacts import reroute_to_email
from storage.models import Outbox

log = logging.getLogger(__name__)
MAX_WAITS = 5
MAX_WAIT_SECONDS = 30
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class TelegramUnreachable(PermanentError):
    """The user never started the bot or blocked it: switch them to e-mail."""


class TelegramTransport:
    def __init__(self, bot: Bot, limiter: SendLimiter | None = None):
        self.bot = bot
        self.limiter = limiter or SendLimiter()

    async def __call__(self, delivery: Delivery) -> str:
        if not delivery.recipient:
            raise TelegramUnreachable("the contact has no Telegram chat")
        chat_id = int(delivery.recipient)
        text = render(delivery.template, delivery.language, delivery.data)
        markup = keyboard_for(delivery.template, delivery.language, delivery.data)
        parts = split_message(text)
        message_id = ""
        for index, part in enumerate(parts):
            # A retried review resends every part: better twice than a gap in the answers.
            await self.limiter.wait(delivery.recipient)
            last = index == len(parts) - 1
            message_id = str(await self._send(chat_id, part, markup if last else None))
        return message_id

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
