"""The mail channel's inbox processor: the adapter reads the stored mail, intake decides.

Runs inside the inbox row's transaction (intake.messaging.inbox), so the answer, the row's
status and the outgoing mails it causes commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.mail.reading import read_mail
from intake.conversation.deciding import decide_incoming
from intake.messaging.inbox import Processor
from storage.models import Inbox


def make_processor() -> Processor:
    return process_mail


def process_mail(session: Session, row: Inbox, now: datetime) -> None:
    """Read one stored mail into an Incoming and let intake decide what it changes."""
    decide_incoming(session, row, read_mail(session, row, now), now)
