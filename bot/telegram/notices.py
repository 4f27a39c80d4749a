"""Turning a chat update into engine events, and the bot's own notices, into the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import User
from sqlmodel import Session

from intake.conversation.engine import Event, handle_event
from intake.messaging.outbox import enqueue
from storage.models import Assignment, Contact, Inbox

CHANNEL = "telegram"


def language_of(user: User | None, contact: Contact | None = None) -> str:
    if contact is not None:
        return contact.language
    return "en" if user and (user.language_code or "").startswith("en") else "sv"


def notify(session: Session, chat_id: int, language: str, template: str, now: datetime,
           contact: Contact | None = None, **data: Any) -> None:
    """A bot notice, sent through the outbox like every other message."""
    # A stranger has no contact row; a stand-in that is never saved carries the chat id.
    recipient = contact or Contact(committee_id=0, name="", email="", language=language,
                                   telegram_chat_id=chat_id)
    enqueue(session, channel=CHANNEL, contact=recipient, kind="notice", template=template,
            data=data, now=now)


def apply(session: Session, assignment: Assignment, inbox: Inbox, now: datetime, kind: str,
          **fields: Any) -> None:
    """One engine event from this stored update; the replies land in the outbox."""
    inbox.assignment_id = assignment.id
    inbox.contact_id = assignment.contact_id
    handle_event(session, assignment, Event(kind=kind, channel=CHANNEL, inbox_id=inbox.id,
                                            **fields), now)


def source_ref(chat_id: int, message_id: int) -> str:
    return f"tg:{chat_id}:{message_id}"
