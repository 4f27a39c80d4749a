"""/start with a deep-link token, plain /start, and the user blocking or restarting the bot."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter, CommandObject, CommandStart
from aiogram.types import ChatMemberUpdated, Message
from sqlmodel import Session

from bot.telegram.notices import apply, language_of, notify
from intake.people.contacts import link_telegram, linked_contact, set_telegram_reachable
from storage.models import Inbox


async def start_with_token(message: Message, command: CommandObject, session: Session,
                           now: datetime, inbox: Inbox) -> None:
    user = message.from_user
    assert user is not None
    linked = link_telegram(session, (command.args or "").strip(), user.id, message.chat.id, now)
    if linked is None or linked.assignment is None:
        # Used, expired or forged: explain, and store nothing against any assignment.
        inbox.status, inbox.note = "rejected", "telegram link token refused"
        notify(session, message.chat.id, language_of(user), "link_invalid", now)
        return
    apply(session, linked.assignment, inbox, now, "start")


async def start_plain(message: Message, session: Session, now: datetime, inbox: Inbox) -> None:
    user = message.from_user
    linked = linked_contact(session, user.id) if user else None
    if linked is None:
        inbox.status, inbox.note = "rejected", "telegram user not linked"
        notify(session, message.chat.id, language_of(user), "not_linked", now)
        return
    set_telegram_reachable(session, message.chat.id, now, reachable=True)
    if linked.assignment is None:
        notify(session, message.chat.id, linked.contact.language, "no_open_round", now,
               contact=linked.contact)
        return
    apply(session, linked.assignment, inbox, now, "start")


async def blocked(update: ChatMemberUpdated, session: Session, now: datetime) -> None:
    # Proactive: reminders go by e-mail from now on, and the status shows it.
    set_telegram_reachable(session, update.chat.id, now, reachable=False)


async def unblocked(update: ChatMemberUpdated, session: Session, now: datetime) -> None:
    set_telegram_reachable(session, update.chat.id, now, reachable=True)


def create_router() -> Router:
    router = Router(name="linking")
    # The deep-link /start first: a plain CommandStart() would match it too.
    router.message.register(start_with_token, CommandStart(deep_link=True))
    router.message.register(start_plain, CommandStart())
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED))
    router.my_chat_member.register(unblocked,
                                   ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    return router
