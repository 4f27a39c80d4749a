"""/review, /submit (twice confirms) and /delegate."""

from __future__ import annotations

import re
from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlmodel import Session

from bot.telegram.middleware import LinkedContact
from bot.telegram.notices import apply, notify
from intake.people.contacts import delegate
from storage.models import Assignment, Contact, Inbox

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


async def review(message: Message, session: Session, now: datetime, inbox: Inbox,
                 assignment: Assignment) -> None:
    apply(session, assignment, inbox, now, "review")


async def submit(message: Message, session: Session, now: datetime, inbox: Inbox,
                 assignment: Assignment) -> None:
    # The engine remembers a pending confirmation: a second /submit confirms.
    apply(session, assignment, inbox, now, "submit")


async def hand_over(message: Message, command: CommandObject, session: Session, now: datetime,
                    inbox: Inbox, assignment: Assignment, contact: Contact) -> None:
    email = (command.args or "").strip()
    if not EMAIL.match(email):
        notify(session, message.chat.id, contact.language, "delegate_usage", now, contact=contact)
        return
    if assignment.status in ("submitted", "approved"):
        apply(session, assignment, inbox, now, "status")
        return
    inbox.assignment_id, inbox.contact_id = assignment.id, contact.id
    colleague = delegate(session, assignment, email, now)
    notify(session, message.chat.id, contact.language, "delegated", now, contact=contact,
           email=colleague.email)


def create_router() -> Router:
    router = Router(name="review")
    router.message.middleware(LinkedContact())
    router.message.register(review, Command("review"))
    router.message.register(submit, Command("submit"))
    router.message.register(hand_over, Command("delegate"))
    return router
