"""Coordinators in the chat: `/start <token>` from the dashboard's Telegram page links the
account, `/overview` shows the round's numbers. Everyone else falls through to the contacts'
routers untouched (SkipHandler), so a contact's /start or a stranger's /overview is handled
exactly as before."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from sqlmodel import Session

from bot.telegram.notices import notify
from intake.messaging.tokens import find_token
from intake.people.contacts import linked_contact
from intake.people.coordinator_chat import PURPOSE, link_coordinator, linked_coordinator
from intake.rounds.status import overview_numbers
from storage.models import Inbox


async def start_with_link(message: Message, command: CommandObject, session: Session,
                          now: datetime, inbox: Inbox) -> None:
    token = (command.args or "").strip()
    if message.from_user is None or find_token(session, token, PURPOSE) is None:
        raise SkipHandler  # a contact's link, or a forged one: the linking router decides
    coordinator = link_coordinator(session, token, message.from_user.id, message.chat.id, now)
    if coordinator is None:
        # Used or expired: the same polite refusal a contact gets for a dead link.
        inbox.status, inbox.note = "rejected", "coordinator link token refused"
        notify(session, message.chat.id, "sv", "link_invalid", now)
        return
    inbox.note = "coordinator linked"
    notify(session, message.chat.id, "sv", "coordinator_linked", now, email=coordinator.email)


async def overview(message: Message, command: CommandObject, session: Session, now: datetime,
                   inbox: Inbox) -> None:
    user = message.from_user
    coordinator = linked_coordinator(session, user.id) if user else None
    if coordinator is None:
        raise SkipHandler  # not a coordinator: an unknown command for a contact or a stranger
    # The coordinator may have another chat with the bot now; answer where they asked.
    if coordinator.telegram_chat_id != message.chat.id:
        coordinator.telegram_chat_id = message.chat.id
        session.add(coordinator)
    inbox.note = "coordinator overview"
    asked = (command.args or "").strip() or None
    numbers = overview_numbers(session, asked)
    if numbers is None:
        notify(session, message.chat.id, "sv", "coordinator_no_round", now, period=asked)
        return
    notify(session, message.chat.id, "sv", "coordinator_overview", now, **numbers)


async def coordinator_help(message: Message, session: Session, now: datetime,
                           inbox: Inbox) -> None:
    user = message.from_user
    # A coordinator who is also someone's contact is answering a form: leave that alone.
    if user is None or linked_coordinator(session, user.id) is None \
            or linked_contact(session, user.id) is not None:
        raise SkipHandler
    inbox.note = "coordinator help"
    notify(session, message.chat.id, "sv", "coordinator_help", now)


def create_router() -> Router:
    router = Router(name="coordinators")
    router.message.register(start_with_link, CommandStart(deep_link=True))
    router.message.register(overview, Command("overview"))
    router.message.register(coordinator_help)
    return router
