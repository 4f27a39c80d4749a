"""Mail nobody wrote by hand: out-of-office replies and bounces. Stored, used, never answered."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.mail.automatic import Classification, out_of_office_return
from bot.mail.parsing import IncomingMail
from intake.clock import from_db, iso, local
from intake.conversation.engine import Event, handle_event
from storage.models import (
    ActionLog,
    Assignment,
    Committee,
    Contact,
    Coordinator,
    Inbox,
    Outbox,
    Round,
    Token,
)


def handle_bounce(session: Session, row: Inbox, found: Classification, token: Token | None,
                  now: datetime) -> None:
    """A delivery report to bounce+<token>: the address of that mail is failing."""
    row.status = "bounce"
    row.note = found.reason
    contact = session.get(Contact, token.contact_id) if token and token.contact_id else None
    # A "delayed" report is only a warning: the relay is still trying.
    failed = found.action in (None, "failed") and not (found.status or "").startswith("4")
    if contact is None or not failed:
        return
    row.contact_id = contact.id
    contact.email_failing_at = now
    contact.email_failure = " ".join(filter(None, [found.status, found.reason]))[:500]
    session.add(contact)
    session.add(ActionLog(at=now, actor="system", action="email_failing",
                          assignment_id=token.assignment_id if token else None,
                          detail={"contact": contact.email, "status": found.status,
                                  "reason": found.reason, "inbox_id": row.id}))


def handle_auto_reply(session: Session, row: Inbox, mail: IncomingMail, token: Token | None,
                      now: datetime) -> None:
    """Out-of-office: remember the return date so reminders wait, and act when it is too late."""
    row.status = "auto_reply"
    contact = _contact_of(session, token, mail)
    back = out_of_office_return(mail.text, mail.subject, now)
    row.note = f"auto-reply; back {back.isoformat()}" if back else "auto-reply; no return date"
    if contact is None or back is None:
        return
    row.contact_id = contact.id
    contact.away_until = back
    session.add(contact)
    assignment = session.get(Assignment, token.assignment_id) if token else None
    if assignment is not None:
        _away_past_deadline(session, assignment, contact, back, now)


def _contact_of(session: Session, token: Token | None, mail: IncomingMail) -> Contact | None:
    if token is not None and token.contact_id is not None:
        return session.get(Contact, token.contact_id)
    address = (mail.from_address or "").lower()
    return session.exec(select(Contact).where(Contact.email == address)).first() if address \
        else None


def _away_past_deadline(session: Session, assignment: Assignment, contact: Contact,
                        back: date, now: datetime) -> None:
    """Back after the deadline: tell the coordinator and hand the form to a deputy, once."""
    round_ = session.get_one(Round, assignment.round_id)
    deadline = from_db(round_.deadline)
    if deadline is None or back <= local(deadline).date():
        return
    if assignment.status in ("submitted", "approved") or _already_logged(session, assignment):
        return
    deputy = session.exec(select(Contact).where(
        Contact.committee_id == assignment.committee_id, Contact.role == "deputy",
        Contact.id != contact.id, col(Contact.active).is_(True),
        col(Contact.email_failing_at).is_(None))).first()
    committee = session.get_one(Committee, assignment.committee_id)
    session.add(ActionLog(at=now, actor="system", action="contact_away_past_deadline",
                          assignment_id=assignment.id,
                          detail={"contact": contact.email, "back": back.isoformat(),
                                  "deadline": iso(deadline),
                                  "deputy": deputy.email if deputy else None}))
    _notify_coordinators(session, committee, contact, back, deadline, deputy, now)
    if deputy is not None:
        handle_event(session, assignment,
                     Event("start", channel="email", contact_id=deputy.id), now)


def _already_logged(session: Session, assignment: Assignment) -> bool:
    return session.exec(select(ActionLog.id).where(
        ActionLog.assignment_id == assignment.id,
        ActionLog.action == "contact_away_past_deadline")).first() is not None


def _notify_coordinators(session: Session, committee: Committee, contact: Contact, back: date,
                         deadline: datetime, deputy: Contact | None, now: datetime) -> None:
    # Coordinators are not contacts, so their notice is written to the outbox directly.
    data = {"committee": committee.name, "contact_name": contact.name,
            "contact_email": contact.email, "back": back.isoformat(),
            "deadline": iso(deadline), "deputy": deputy.name if deputy else None,
            "deputy_email": deputy.email if deputy else None}
    for coordinator in session.exec(select(Coordinator)):
        session.add(Outbox(
            channel="email", recipient=coordinator.email, kind="notice",
            template="coordinator_contact_away", language="sv", data=data, due_at=now,
            created_at=now,
            dedupe_key=f"away:{committee.id}:{contact.id}:{back.isoformat()}:{coordinator.id}"))


def mark_undeliverable(session: Session, row: Outbox, exc: Exception, now: datetime) -> None:
    """The relay refused a mail for good (5xx): the address is failing, for the coordinator."""
    if row.channel != "email" or row.contact_id is None:
        return
    contact = session.get(Contact, row.contact_id)
    if contact is None:
        return
    contact.email_failing_at = now
    contact.email_failure = str(exc)[:500]
    session.add(contact)
    session.add(ActionLog(at=now, actor="system", action="email_failing",
                          assignment_id=row.assignment_id,
                          detail={"contact": contact.email, "reason": str(exc)[:500],
                                  "outbox_id": row.id}))
