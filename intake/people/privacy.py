"""Data protection: what we hold about a person, erasing it, and purging raw messages.

The answers are the committee's official records and stay; the person's contact data, chat
ids, tokens and the raw mails and updates they sent are what GDPR lets them have removed.
Raw messages are only needed while a round is open (to reprocess or check a reply), so they
are purged a configurable time after their round closes.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from intake.clock import from_db, iso
from intake.people.erasure import Traces, scrub_tables
from storage.models import (
    ActionLog,
    Answer,
    AnswerRevision,
    Assignment,
    Committee,
    Contact,
    Coordinator,
    Fragment,
    Inbox,
    LoginAttempt,
    Outbox,
    Round,
    Token,
)

ERASED = "kontaktuppgifter raderade"
DEFAULT_RETENTION_DAYS = 90


class PrivacyError(ValueError):
    """Nothing stored about this person, or a bad argument; one line for the operator."""


@dataclass
class Person:
    """Every row that names one person, found by their e-mail address."""

    email: str
    contacts: list[Contact] = field(default_factory=list)
    inbox: list[Inbox] = field(default_factory=list)
    outbox: list[Outbox] = field(default_factory=list)
    revisions: list[AnswerRevision] = field(default_factory=list)
    coordinators: list[Coordinator] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.inbox or self.outbox or self.coordinators)


def find_person(session: Session, address: str) -> Person:
    address = address.strip().lower()
    if "@" not in address:
        raise PrivacyError(f"{address!r} is not an e-mail address")
    person = Person(address)
    person.contacts = list(session.exec(
        select(Contact).where(func.lower(Contact.email) == address).order_by(col(Contact.id))))
    ids = [c.id for c in person.contacts]
    # Telegram rows name the chat (or, for a button press, the user) as their sender.
    chat_ids = {str(v) for c in person.contacts
                for v in (c.telegram_chat_id, c.telegram_user_id) if v is not None}
    inbox_match = [func.lower(col(Inbox.sender)) == address,
                   func.lower(col(Inbox.envelope_from)) == address]
    outbox_match = [func.lower(col(Outbox.recipient)) == address]
    if ids:
        inbox_match.append(col(Inbox.contact_id).in_(ids))
        outbox_match.append(col(Outbox.contact_id).in_(ids))
    if chat_ids:
        inbox_match.append((col(Inbox.channel) == "telegram") & col(Inbox.sender).in_(chat_ids))
        outbox_match.append(
            (col(Outbox.channel) == "telegram") & col(Outbox.recipient).in_(chat_ids))
    person.inbox = list(session.exec(select(Inbox).where(or_(*inbox_match))
                                     .order_by(col(Inbox.id))))
    person.outbox = list(session.exec(select(Outbox).where(or_(*outbox_match))
                                      .order_by(col(Outbox.id))))
    if ids:
        person.revisions = list(session.exec(
            select(AnswerRevision).where(col(AnswerRevision.contact_id).in_(ids))
            .order_by(col(AnswerRevision.id))))
    person.coordinators = list(session.exec(
        select(Coordinator).where(func.lower(Coordinator.email) == address)))
    return person


# -- export ----------------------------------------------------------------------------------
def export_person(session: Session, address: str) -> dict[str, Any]:
    """Everything stored about the person with this address, as plain JSON data."""
    person = find_person(session, address)
    if person.empty:
        raise PrivacyError(f"nothing is stored about {address.strip().lower()}")
    committees = {c.id: c.name for c in session.exec(select(Committee))}
    return {
        "email": person.email,
        "contacts": [_contact(c, committees) for c in person.contacts],
        "coordinator_accounts": [
            {"email": c.email, "name": c.name, "created_at": iso(c.created_at),
             "telegram_user_id": c.telegram_user_id} for c in person.coordinators],
        "messages_sent": [_inbox(row) for row in person.inbox],
        "messages_received": [_outbox(row) for row in person.outbox],
        "answers_given": [_revision(session, r, committees) for r in person.revisions],
    }


def _contact(contact: Contact, committees: dict[int | None, str]) -> dict[str, Any]:
    return {
        "committee": committees.get(contact.committee_id), "name": contact.name,
        "email": contact.email, "phone": contact.phone, "role": contact.role,
        "language": contact.language, "active": contact.active,
        "telegram_user_id": contact.telegram_user_id,
        "telegram_chat_id": contact.telegram_chat_id,
        "telegram_blocked_at": iso(from_db(contact.telegram_blocked_at)),
        "email_failing_at": iso(from_db(contact.email_failing_at)),
        "email_failure": contact.email_failure,
        "away_until": contact.away_until.isoformat() if contact.away_until else None,
        "created_at": iso(from_db(contact.created_at)),
    }


def _inbox(row: Inbox) -> dict[str, Any]:
    return {
        "channel": row.channel, "received_at": iso(from_db(row.received_at)),
        "status": row.status, "sender": row.sender, "envelope_from": row.envelope_from,
        "envelope_to": row.envelope_to, "note": row.note,
        "summary": _summary(row), "raw": row.raw.decode("utf-8", "replace") if row.raw else None,
    }


def _summary(row: Inbox) -> dict[str, Any] | None:
    """The readable part of a raw message: a mail's headers and text, an update's text."""
    if not row.raw:
        return None
    if row.channel == "telegram":
        try:
            update = json.loads(row.raw)
        except ValueError:
            return None
        for kind in ("message", "edited_message"):
            if isinstance(update.get(kind), dict):
                return {"kind": kind, "text": update[kind].get("text")}
        if isinstance(update.get("callback_query"), dict):
            return {"kind": "button", "data": update["callback_query"].get("data")}
        return {"kind": next((k for k in update if k != "update_id"), None)}
    message = email.message_from_bytes(row.raw, policy=email.policy.default)
    body = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    try:
        text = body.get_content() if body is not None else None  # type: ignore[union-attr]
    except (LookupError, ValueError):
        text = None
    return {"from": str(message.get("From") or ""), "to": str(message.get("To") or ""),
            "subject": str(message.get("Subject") or ""), "date": str(message.get("Date") or ""),
            "text": text}


def _outbox(row: Outbox) -> dict[str, Any]:
    return {
        "channel": row.channel, "recipient": row.recipient, "kind": row.kind,
        "template": row.template, "status": row.status, "question_id": row.question_id,
        "created_at": iso(from_db(row.created_at)), "sent_at": iso(from_db(row.sent_at)),
        "data": row.data,
    }


def _revision(session: Session, revision: AnswerRevision,
              committees: dict[int | None, str]) -> dict[str, Any]:
    answer = session.get_one(Answer, revision.answer_id)
    assignment = session.get_one(Assignment, answer.assignment_id)
    round_ = session.get_one(Round, assignment.round_id)
    return {
        "committee": committees.get(assignment.committee_id), "period": round_.period,
        "question_id": answer.question_id, "revision": revision.number, "kind": revision.kind,
        "text": revision.text, "channel": revision.channel,
        "current": answer.current_revision_id == revision.id,
        "answered_at": iso(from_db(revision.updated_at)),
    }


# -- erase -----------------------------------------------------------------------------------
@dataclass
class Erased:
    contacts: int = 0
    raw_messages: int = 0
    outgoing: int = 0
    tokens: int = 0
    answers_kept: int = 0
    orphaned: int = 0  # open assignments that now need a new contact
    copies: int = 0  # other rows that named the person (reminders to deputies, digests, ...)
    coordinators: int = 0
    # What the person was called, for the maildir and anything else outside the database.
    traces: Traces = field(default_factory=lambda: Traces((), ERASED))

    def summary(self) -> str:
        text = self._summary()
        if self.orphaned:
            text += (f"; {self.orphaned} open assignment(s) have no contact now: hand them "
                     "to a colleague from the dashboard")
        return text

    def _summary(self) -> str:
        return (f"{self.contacts} contact(s) erased, {self.raw_messages} raw message(s) and "
                f"{self.outgoing} outgoing message(s) scrubbed, {self.tokens} token(s) deleted, "
                f"{self.copies} other row(s) naming them scrubbed, {self.coordinators} "
                "coordinator account(s) removed; "
                f"{self.answers_kept} answer revision(s) kept for the committee, "
                f"marked {ERASED!r}")


def erase_person(session: Session, address: str, now: datetime) -> Erased:
    """Remove the person's contact data, chat ids, tokens and raw messages; keep the answers.

    The contact row stays (assignments and answer revisions point at it) with its name, address
    and phone replaced by the marker, so reports attribute the answers to the committee and
    show that the person's details were erased.
    """
    person = find_person(session, address)
    if person.empty:
        raise PrivacyError(f"nothing is stored about {person.email}")
    result = Erased(answers_kept=len(person.revisions), traces=_traces(person))
    ids = [c.id for c in person.contacts]
    chat_ids = {str(v) for c in person.contacts
                for v in (c.telegram_chat_id, c.telegram_user_id) if v is not None}
    for row in person.inbox:
        _scrub_inbox(row, note=ERASED)
        session.add(row)
        result.raw_messages += 1
    for out in person.outbox:
        out.recipient, out.data, out.last_error = ERASED, {}, None
        if out.status in ("pending", "sending"):
            out.status, out.claimed_by = "cancelled", None  # nobody to send it to any more
        session.add(out)
        result.outgoing += 1
    if ids:
        tokens = list(session.exec(select(Token).where(col(Token.contact_id).in_(ids))))
        for token in tokens:
            session.delete(token)
        result.tokens = len(tokens)
        # A fragment's source names the Telegram chat it came from; the text stays.
        for fragment in session.exec(
                select(Fragment).join(AnswerRevision,
                                      col(AnswerRevision.id) == col(Fragment.revision_id))
                .where(col(AnswerRevision.contact_id).in_(ids),
                       col(Fragment.source_ref).is_not(None))):
            fragment.source_ref = None
            session.add(fragment)
    for contact in person.contacts:
        contact.name, contact.phone = ERASED, ERASED
        # Still unique per committee and plainly not an address anything can be sent to.
        contact.email = f"{ERASED} #{contact.id}"
        contact.telegram_user_id = contact.telegram_chat_id = None
        contact.telegram_blocked_at = contact.email_failing_at = None
        contact.email_failure, contact.away_until, contact.active = None, None, False
        session.add(contact)
        result.contacts += 1
    if ids:
        # Nobody to remind any more; the coordinator hands the form to someone else.
        for assignment in session.exec(
                select(Assignment).join(Round, col(Round.id) == col(Assignment.round_id))
                .where(col(Assignment.contact_id).in_(ids), col(Round.closed_at).is_(None),
                       col(Assignment.status).not_in(("submitted", "approved")))):
            assignment.next_reminder_at = assignment.next_reminder_step = None
            session.add(assignment)
            result.orphaned += 1
    _scrub_action_log(session, person.email, chat_ids)
    result.coordinators = _remove_coordinators(session, person)
    session.flush()
    # Last, everywhere else: copies of the name, address or phone in other rows.
    result.copies = scrub_tables(session, result.traces)
    session.add(ActionLog(at=now, actor="cli", action="privacy_erase",
                          detail={"contacts": [c.id for c in person.contacts],
                                  "answers_kept": result.answers_kept}))
    session.flush()
    return result


def _traces(person: Person) -> Traces:
    names = [person.email]
    for contact in person.contacts:
        names += [contact.name, contact.email, contact.phone]
    for coordinator in person.coordinators:
        names += [coordinator.name, coordinator.email]
    return Traces(names, ERASED)


def _remove_coordinators(session: Session, person: Person) -> int:
    """A coordinator account of the person goes whole: its links, its login counts, the row."""
    key = hashlib.sha256(person.email.encode()).hexdigest()
    session.exec(delete(LoginAttempt).where(  # type: ignore[call-overload]
        col(LoginAttempt.account_key) == key))
    for coordinator in person.coordinators:
        for token in session.exec(select(Token).where(Token.coordinator_id == coordinator.id)):
            session.delete(token)
        session.flush()
        session.delete(coordinator)
    return len(person.coordinators)


def _scrub_inbox(row: Inbox, note: str) -> None:
    row.raw = b""
    row.sender = row.envelope_from = row.envelope_to = None
    row.error, row.note = None, note


def _scrub_action_log(session: Session, address: str, chat_ids: set[str]) -> None:
    # The audit trail keeps what happened, not who the person was.
    names = {address, *chat_ids}
    for entry in session.exec(select(ActionLog)):
        detail = {k: (ERASED if str(v).lower() in names else v) for k, v in entry.detail.items()}
        actor = ERASED if entry.actor.lower() == address else entry.actor
        if detail != entry.detail or actor != entry.actor:
            entry.detail, entry.actor = detail, actor
            session.add(entry)


# -- purge -----------------------------------------------------------------------------------
def purge_raw(session: Session, now: datetime,
              days: int = DEFAULT_RETENTION_DAYS) -> int:
    """Delete the raw mails and updates of rounds closed more than `days` ago.

    Messages tied to no round (strangers, held mails, chat chatter) are purged `days` after
    they arrived; unprocessed ones never. The extracted answers are untouched. Returns how
    many raw messages were emptied.
    """
    if days < 0:
        raise PrivacyError(f"--days must be 0 or more, got {days}")
    cutoff = now - timedelta(days=days)
    closed = select(Assignment.id).join(Round, col(Round.id) == col(Assignment.round_id)).where(
        col(Round.closed_at).is_not(None), col(Round.closed_at) <= cutoff)
    has_raw = func.length(col(Inbox.raw)) > 0
    done = session.exec(  # type: ignore[call-overload]
        update(Inbox).where(has_raw, col(Inbox.assignment_id).in_(closed))
        .values(raw=b"", sender=None, envelope_from=None, envelope_to=None)
    ).rowcount
    done += session.exec(  # type: ignore[call-overload]
        update(Inbox).where(has_raw, col(Inbox.assignment_id).is_(None),
                            col(Inbox.status) != "pending", col(Inbox.received_at) <= cutoff)
        .values(raw=b"", sender=None, envelope_from=None, envelope_to=None)
    ).rowcount
    if done:
        session.add(ActionLog(at=now, actor="system", action="privacy_purge",
                              detail={"raw_messages": done, "days": days}))
    return int(done)
