"""The Telegram channel in-process: raw updates through the inbox and the real routers."""

from __future__ import annotations

import itertools
import json
from typing import Any

from aiogram import Bot
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.telegram.processor import UpdateProcessor
from intake.messaging.inbox import process_pending, store_inbound
from storage.db import transaction
from storage.models import Inbox, Outbox

TOKEN = "4242424242:AAFakeTokenForIntakeTests_0123456789"
_ids = itertools.count(900_000_001)
_message_ids = itertools.count(1)


class Chat:
    """A Telegram user writing to the bot; each update is stored, then processed."""

    def __init__(self, engine: Engine, clock: Any, user_id: int, first_name: str = "Kim",
                 language_code: str = "sv"):
        self.engine, self.clock = engine, clock
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name,
                     "language_code": language_code}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}
        self.processor = UpdateProcessor(Bot(TOKEN))

    def _feed(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(_ids)
        raw = json.dumps({"update_id": update_id, kind: payload}).encode()
        store_inbound(self.engine, channel="telegram", external_id=str(update_id), raw=raw,
                      now=self.clock(), sender=str(self.chat["id"]))
        process_pending(self.engine, {"telegram": self.processor}, self.clock)
        return update_id

    def message(self, text: str) -> int:
        """Send a message; returns its message_id."""
        message_id = next(_message_ids)
        payload: dict[str, Any] = {"message_id": message_id, "from": self.user,
                                   "chat": self.chat, "date": 1_790_000_000, "text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self._feed("message", payload)
        return message_id

    def edit(self, message_id: int, text: str) -> None:
        self._feed("edited_message", {"message_id": message_id, "from": self.user,
                                      "chat": self.chat, "date": 1_790_000_000,
                                      "edit_date": 1_790_000_100, "text": text})

    def press(self, data: str) -> None:
        self._feed("callback_query", {"id": str(next(_ids)), "from": self.user,
                                      "chat_instance": "1", "data": data})

    def block(self, blocked: bool = True) -> None:
        bot = {"id": 4242424242, "is_bot": True, "first_name": "Intake"}
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self._feed("my_chat_member", {
            "chat": self.chat, "from": self.user, "date": 1_790_000_000,
            "old_chat_member": {"user": bot, "status": old, **({} if blocked else
                                                              {"until_date": 0})},
            "new_chat_member": {"user": bot, "status": new, **({"until_date": 0} if blocked
                                                              else {})}})


def sent_to(engine: Engine, chat_id: int) -> list[Outbox]:
    """Outbox rows for this chat, oldest first."""
    with transaction(engine) as session:
        rows = list(session.exec(select(Outbox).where(
            Outbox.channel == "telegram", Outbox.recipient == str(chat_id))
            .order_by(col(Outbox.id))))
        session.expunge_all()
        return rows


def templates_sent(engine: Engine, chat_id: int) -> list[str]:
    return [row.template for row in sent_to(engine, chat_id)]


def inbox_rows(engine: Engine) -> list[Inbox]:
    with transaction(engine) as session:
        rows = list(session.exec(select(Inbox).order_by(col(Inbox.id))))
        session.expunge_all()
        return rows
