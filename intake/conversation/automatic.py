"""What mail nobody wrote by hand changes: a bounce, an out-of-office reply. Never answered.

The rule: an automatic message changes a contact's state only when it arrived on that
contact's live token (the recipient address of our own mail to them). A forged auto-reply
to postmaster@, or one that only names a thread, is kept for coordinators and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from intake.clock import from_db, iso, local
from intake.conversation.engine import Event, handle_event
from intake.messaging.incoming import Incoming
from intake.messaging.outbox import Recipient, send_to
from intake.messaging.tokens import hash_token
from intake.people.deputies import pick_deputy
from storage.models import (
    ActionLog,
    Assignment,
    Committee,
    Contact,
    Coordinator,
    Inbox,
    Round,
    Token,
)


def token_contact(session: Session, incoming: Incoming, token: Token | None,
                  now: datetime) -> Contact | None:
    """The contact whose state automatic mail may change: the owner of its live token."""
    if token is None or token.contact_id is None or not incoming.envelope_token \
            or hash_token(incoming.envelope_token) != token.token_hash:
        return None
    if token.assignment_id is not None:
        assignment = session.get(Assignment, token.assignment_id)
        round_ = session.get(Round, assignment.round_id) if assignment else None
        closed = from_db(round_.closed_at) if round_ else None
        if closed is not None and closed <= now:
            return None  # the token died with its round
    return session.get(Contact, token.contact_id)


def apply_bounce(session: Session, row: Inbox, incoming: Incoming, token: Token | None,
                 now: datetime) -> None:
    """A delivery report to bounce+<token>: the address of that mail is failing."""
    row.status = "bounce"
    row.note = incoming.automatic_reason
    contact = token_contact(session, incoming, token, now)
    if contact is None or not incoming.bounce_failed:
        return  # a "delayed" report is only a warning: the relay is still trying
    row.contact_id = contact.id
    contact.email_failing_at = now
    contact.email_failure = incoming.bounce_detail[:500]
    session.add(contact)
    session.add(ActionLog(at=now, actor="system", action="email_failing",
                          assignment_id=token.assignment_id if token else None,
                          detail={"contact": contact.email,
                                  "status": incoming.bounce_detail.split(" ")[0] or None,
                                  "reason": incoming.automatic_reason, "inbox_id": row.id}))


def apply_auto_reply(session: Session, row: Inbox, incoming: Incoming, token: Token | None,
                     now: datetime) -> None:
    """Out-of-office: remember the return date so reminders wait, and act when it is too late."""
    row.status = "auto_reply"
    back = incoming.away_until
    row.note = f"auto-reply; back {back.isoformat()}" if back else "auto-reply; no return date"
    contact = token_contact(session, incoming, token, now)
    if contact is None or back is None:
        return
    row.contact_id = contact.id
    contact.away_until = back
    session.add(contact)
    assignment = session.get(Assignment, token.assignment_id) if token else None
    if assignment is not None:
        _away_past_deadline(session, assignment, contact, back, now)


def _away_past_deadline(session: Session, assignment: Assignment, contact: Contact,
                        back: date, now: datetime) -> None:
    """Back after the deadline: tell the coordinator and hand the form to a deputy, once."""
    round_ = session.get_one(Round, assignment.round_id)
    deadline = from_db(round_.deadline)
    if deadline is None or back <= local(deadline).date():
        return
    if assignment.status in ("submitted", "approved") or _already_logged(session, assignment):
        return
    deputy = pick_deputy(session, contact, round_, now)
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
    data = {"committee": committee.name, "contact_name": contact.name,
            "contact_email": contact.email, "back": back.isoformat(),
            "deadline": iso(deadline), "deputy": deputy.name if deputy else None,
            "deputy_email": deputy.email if deputy else None}
    for coordinator in session.exec(select(Coordinator)):
        send_to(session, Recipient.coordinator(coordinator), kind="notice",
                template="coordinator_contact_away", data=data, now=now,
                dedupe_key=f"away:{committee.id}:{contact.id}:{back.isoformat()}:{coordinator.id}")
