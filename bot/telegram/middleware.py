"""Resolve the Telegram user to their contact and open assignment before a handler runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.telegram.notices import language_of, notify
from intake.people.contacts import linked_contact, set_telegram_reachable


class LinkedContact(BaseMiddleware):
    """Injects `contact` and `assignment`; a stranger gets the polite explanation instead."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        session, now = data["session"], data["now"]
        user: User | None = data.get("event_from_user")
        chat = data.get("event_chat")
        if user is None or chat is None:
            return None
        linked = linked_contact(session, user.id)
        if linked is None:
            data["inbox"].status = "rejected"
            data["inbox"].note = "telegram user not linked"
            notify(session, chat.id, language_of(user), "not_linked", now)
            return None
        # Writing to the bot again means the chat works again (a blocked bot was restarted).
        set_telegram_reachable(session, chat.id, now, reachable=True)
        if linked.assignment is None:
            notify(session, chat.id, linked.contact.language, "no_open_round", now,
                   contact=linked.contact)
            return None
        data["contact"], data["assignment"] = linked.contact, linked.assignment
        return await handler(event, data)
