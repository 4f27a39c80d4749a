"""The inbox processor: a stored raw update, parsed with aiogram types, through the routers."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlmodel import Session

from bot.telegram.routers import build_dispatcher
from storage.models import Inbox


class UpdateProcessor:
    """`(session, inbox_row, now) -> None` for `intake.messaging.inbox.process_pending`.

    The routers are async (aiogram's idiom) but the inbox runs a processor synchronously in
    the row's transaction; a private event loop bridges the two. Handlers never call the Bot
    API: what they say goes to the outbox in the same transaction.
    """

    def __init__(self, bot: Bot, dispatcher: Dispatcher | None = None):
        self.bot = bot
        self.dispatcher = dispatcher or build_dispatcher()
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()  # one update at a time: a chat's burst must not race

    def __call__(self, session: Session, row: Inbox, now: datetime) -> None:
        update = Update.model_validate_json(row.raw, context={"bot": self.bot})
        with self._lock:
            self._loop.run_until_complete(self.dispatcher.feed_update(
                self.bot, update, session=session, now=now, inbox=row))
        if row.status == "pending" and row.assignment_id is None and row.note is None:
            row.note = "nothing to do"

    def close(self) -> None:
        self._loop.close()


def raw_update(update: Update) -> bytes:
    """The update as JSON, as Telegram sent it (unset fields left out)."""
    return update.model_dump_json(exclude_unset=True, by_alias=True).encode()


def chat_of(update: Update) -> int | None:
    """The chat an update belongs to: updates of one chat are handled in order."""
    for value in (update.message, update.edited_message, update.my_chat_member):
        if value is not None:
            return value.chat.id
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    return None
