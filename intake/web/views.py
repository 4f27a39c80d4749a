"""What the dashboard pages show, read from the database as plain data for the templates."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from intake.clock import iso
from intake.collation import swedish_key
from intake.conversation.engine import Conversation
from intake.forms import Question
from intake.messaging.held import held_count, held_per_assignment
from intake.records.changes import unchanged, word_diff
from intake.rounds.status import round_status
from storage.models import (
    ActionLog,
    Answer,
    AnswerRevision,
    Assignment,
    Committee,
    Contact,
    Inbox,
    Outbox,
    Round,
)

STATUS_ORDER = ("not_started", "in_progress", "returned", "submitted", "approved")
SORT_KEYS = ("committee", "kind", "status", "progress", "channel", "last_activity",
             "reminders_sent", "next_reminder")


@dataclass
class Overview:
    rows: list[dict[str, Any]]
    counts: dict[str, int]
    answered: int
    total: int
    committees: int
    flags: int = 0
    held_mail: int = 0
    filters: dict[str, str] = field(default_factory=dict)


def contact_flags(contact: Contact) -> list[str]:
    """Why the contact may not get our messages, in words for the coordinator."""
    flags = []
    if contact.email_failing_at:
        flags.append(f"E-post studsar: {contact.email_failure or 'adressen fungerar inte'}")
    if contact.telegram_blocked_at:
        flags.append("Har blockerat boten i Telegram")
    if contact.away_until:
        flags.append(f"Frånvarande till {contact.away_until.isoformat()}")
    return flags


def _extras(session: Session, round_: Round) -> dict[str, tuple[int, list[str]]]:
    """Per committee name: its assignment id and its contact's flags."""
    rows = session.exec(
        select(Committee.name, Assignment.id, Contact)
        .join(Assignment, col(Assignment.committee_id) == col(Committee.id))
        .join(Contact, col(Contact.id) == col(Assignment.contact_id))
        .where(Assignment.round_id == round_.id))
    held = held_per_assignment(session, round_.id or 0)
    return {name: (assignment_id or 0, contact_flags(contact) + (
                [f"{held[assignment_id]} brev väntar på beslut"] if assignment_id in held else []))
            for name, assignment_id, contact in rows}


def _sort_key(key: str) -> Any:
    def value(row: dict[str, Any]) -> tuple[bool, Any]:
        if key == "status":
            raw: Any = STATUS_ORDER.index(row["status"]) if row["status"] in STATUS_ORDER else 9
        elif key == "progress":
            raw = row["answered"] / row["total"] if row["total"] else 0
        elif key == "committee":
            raw = swedish_key(row["committee"])
        else:
            raw = row[key]
        return (raw is None, raw if raw is not None else 0)  # empty values last
    return value


def overview(session: Session, round_: Round, status: str | None, sort: str | None,
             descending: bool) -> Overview:
    extras = _extras(session, round_)
    all_rows = []
    for item in round_status(session, round_):
        assignment_id, flags = extras.get(item.committee, (0, []))
        all_rows.append(asdict(item) | {"assignment_id": assignment_id, "flags": flags})
    counts = {s: sum(1 for r in all_rows if r["status"] == s) for s in STATUS_ORDER}
    rows = [r for r in all_rows if not status or r["status"] == status]
    if sort in SORT_KEYS:
        rows.sort(key=_sort_key(sort), reverse=descending)
    return Overview(
        rows=rows, counts=counts, committees=len(all_rows),
        answered=sum(r["answered"] for r in all_rows), total=sum(r["total"] for r in all_rows),
        flags=sum(1 for r in all_rows if r["flags"]), held_mail=held_count(session))


def committee_page(session: Session, assignment: Assignment, now: Any) -> dict[str, Any]:
    conv = Conversation(session, assignment, now)
    contacts = {c.id: c for c in session.exec(
        select(Contact).where(Contact.committee_id == conv.committee.id))}
    questions = []
    for number, question in enumerate(conv.questions, 1):
        answer = conv.answers.get(question.id)
        questions.append({
            "number": number, "id": question.id, "text": question.text,
            "required": question.required, "answer": answer,
            "current": conv.text_of(question),
            "revisions": _revisions(session, answer, contacts) if answer else [],
            "change": answer_change(session, conv, question),
        })
    return {
        "assignment": assignment, "committee": conv.committee, "contact": conv.contact,
        "round": conv.round, "form": conv.form, "questions": questions,
        "answered": conv.answered_count(), "total": len(conv.questions),
        "flags": contact_flags(conv.contact), "log": _log(session, assignment),
        "messages": _messages(session, assignment),
        "committee_contacts": sorted(contacts.values(), key=lambda c: (c.role != "main", c.name)),
    }


def answer_change(session: Session, conv: Conversation,
                  question: Question) -> dict[str, Any] | None:
    """The answer against the same question's answer last period: new, unchanged or a diff."""
    answer = conv.answers.get(question.id)
    if answer is None or answer.state != "answered" or answer.current_revision_id is None:
        return None
    current = session.get_one(AnswerRevision, answer.current_revision_id)
    previous = conv.previous_revision(question)
    if previous is None:
        return {"state": "new", "period": None, "pieces": (), "copied": False}
    period = session.exec(
        select(Round.period).join(Assignment, col(Assignment.round_id) == col(Round.id))
        .join(Answer, col(Answer.assignment_id) == col(Assignment.id))
        .where(Answer.id == previous.answer_id)).one()
    same = unchanged(previous.text, current.text)
    return {"state": "unchanged" if same else "changed", "period": period,
            "pieces": () if same else word_diff(previous.text, current.text),
            "copied": current.kind == "same_as_last"}


def _revisions(session: Session, answer: Answer,
               contacts: dict[int | None, Contact]) -> list[dict[str, Any]]:
    revisions = session.exec(select(AnswerRevision).where(AnswerRevision.answer_id == answer.id)
                             .order_by(col(AnswerRevision.number).desc()))
    return [{
        "number": r.number, "text": r.text, "kind": r.kind, "channel": r.channel,
        "at": iso(r.updated_at), "inbox_id": r.inbox_id,
        "who": contacts[r.contact_id].name if r.contact_id in contacts else None,
        "current": r.id == answer.current_revision_id,
    } for r in revisions]


def _log(session: Session, assignment: Assignment) -> list[dict[str, Any]]:
    rows = session.exec(select(ActionLog).where(ActionLog.assignment_id == assignment.id)
                        .order_by(col(ActionLog.at).desc(), col(ActionLog.id).desc()))
    return [{"at": iso(r.at), "actor": r.actor, "action": r.action, "detail": r.detail}
            for r in rows]


def _messages(session: Session, assignment: Assignment) -> list[dict[str, Any]]:
    """Both directions of both channels, newest first."""
    out = [{"at": iso(o.created_at), "direction": "ut", "channel": o.channel, "kind": o.kind,
            "question": o.question_number, "status": o.status, "error": o.last_error}
           for o in session.exec(select(Outbox).where(Outbox.assignment_id == assignment.id))]
    into = [{"at": iso(i.received_at), "direction": "in", "channel": i.channel, "kind": "svar",
             "question": None, "status": i.status, "error": i.error}
            for i in session.exec(select(Inbox).where(Inbox.assignment_id == assignment.id))]
    return sorted(out + into, key=lambda m: m["at"] or "", reverse=True)
