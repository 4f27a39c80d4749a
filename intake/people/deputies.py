"""Who stands in for a contact, and who may answer for a committee: one rule for each.

Reminders for an away contact and mail that hands the form over both ask `pick_deputy`;
every channel's message asks `who_answers` whether its sender may answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from intake.rounds.calendar import STOCKHOLM, next_allowed, parse_time_of_day
from storage.models import Contact, Round


def return_moment(contact: Contact, round_: Round) -> datetime | None:
    """When an away contact may be reminded again: their return day at the ladder's time."""
    if contact.away_until is None:
        return None
    clock = parse_time_of_day(round_.reminder_time)
    return next_allowed(datetime.combine(contact.away_until, clock, tzinfo=STOCKHOLM))


def is_available(contact: Contact, round_: Round, now: datetime) -> bool:
    """Active, back from any absence, and reachable by mail or by a chat that works."""
    back = return_moment(contact, round_)
    reachable = contact.email_failing_at is None or (
        contact.telegram_chat_id is not None and contact.telegram_blocked_at is None)
    return contact.active and (back is None or back <= now) and reachable


def pick_deputy(session: Session, contact: Contact, round_: Round,
                now: datetime) -> Contact | None:
    """The committee's first deputy (roster order) who is not the contact and is available."""
    deputies = session.exec(
        select(Contact).where(Contact.committee_id == contact.committee_id,
                              Contact.role == "deputy", col(Contact.active),
                              Contact.id != contact.id)
        .order_by(col(Contact.id)))
    return next((d for d in deputies if is_available(d, round_, now)), None)


def who_answers(session: Session, committee_id: int, token_contact_id: int | None,
                sender: str | None) -> Contact | None:
    """The person a message is from, if they may answer for the committee; None: held.

    The token's own contact, or another active contact of the same committee (a deputy);
    anyone else is a stranger, whose message waits for a coordinator.
    """
    if not sender:
        return None
    owner = session.get(Contact, token_contact_id) if token_contact_id else None
    if owner is not None and owner.email.lower() == sender:
        return owner
    return session.exec(select(Contact).where(
        Contact.committee_id == committee_id, Contact.email == sender,
        col(Contact.active).is_(True))).first()
