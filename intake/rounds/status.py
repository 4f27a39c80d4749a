"""Where a round stands: per committee status, progress, channel and reminders."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from intake.clock import iso
from intake.collation import committee_order
from intake.rounds.opening import RoundError, find_round, round_form
from storage.models import ActionLog, Answer, Assignment, Committee, Contact, Round

# The action the reminder sweep logs for a contact no channel reaches (intake.rounds.reminders).
UNREACHABLE = "reminder_unreachable"
STATUSES = ("not_started", "in_progress", "returned", "submitted", "approved")


@dataclass(frozen=True)
class AssignmentStatus:
    committee: str
    kind: str
    status: str
    answered: int
    total: int
    channel: str | None
    contact: str
    last_activity: str | None
    reminders_sent: int
    next_reminder: str | None


def round_status(session: Session, round_: Round) -> list[AssignmentStatus]:
    """One row per assignment, ordered by kind then committee name."""
    form = round_form(session, round_)
    rows = session.exec(
        select(Assignment, Committee, Contact)
        .join(Committee, col(Committee.id) == col(Assignment.committee_id))
        .join(Contact, col(Contact.id) == col(Assignment.contact_id))
        .where(Assignment.round_id == round_.id)
    ).all()
    done = _done_counts(session, round_)
    result = []
    for assignment, committee, contact in rows:
        questions = {q.id for q in form.questions_for(committee.kind)}
        result.append(AssignmentStatus(
            committee=committee.name,
            kind=committee.kind,
            status=assignment.status,
            answered=len(done.get(assignment.id or 0, set()) & questions),
            total=len(questions),
            channel=assignment.channel,
            contact=contact.email,
            last_activity=iso(assignment.last_activity),
            reminders_sent=assignment.reminders_sent,
            next_reminder=iso(assignment.next_reminder_at),
        ))
    return sorted(result, key=lambda s: committee_order(s.kind, s.committee))


def _done_counts(session: Session, round_: Round) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {}
    answers = session.exec(
        select(Answer.assignment_id, Answer.question_id)
        .join(Assignment, col(Assignment.id) == col(Answer.assignment_id))
        .where(Assignment.round_id == round_.id,
               col(Answer.state).in_(("answered", "not_applicable")),
               col(Answer.needs_revision).is_(False))
    )
    for assignment_id, question_id in answers:
        done.setdefault(assignment_id, set()).add(question_id)
    return done


def status_json(session: Session, round_: Round) -> dict[str, Any]:
    return {
        "period": round_.period,
        "deadline": iso(round_.deadline),
        "assignments": [asdict(row) for row in round_status(session, round_)],
    }


def status_table(session: Session, round_: Round) -> str:
    """A readable table for the terminal."""
    rows = round_status(session, round_)
    header = ("Committee", "Kind", "Status", "Done", "Channel", "Last activity", "Rem.", "Next")
    lines = [header] + [
        (r.committee, r.kind, r.status, f"{r.answered}/{r.total}", r.channel or "-",
         (r.last_activity or "-")[:16].replace("T", " "), str(r.reminders_sent),
         (r.next_reminder or "-")[:16].replace("T", " "))
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [f"{round_.period}: deadline {iso(round_.deadline)[:16].replace('T', ' ')}"]
    for line in lines:
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    submitted = sum(1 for r in rows if r.status in ("submitted", "approved"))
    out.append(f"{submitted} of {len(rows)} submitted")
    for entry in unreachable_log(session, round_):
        detail = entry.detail
        out.append(f"unreachable: {detail.get('committee')} ({detail.get('contact')}) got no "
                   f"reminder {detail.get('step')} at {(iso(entry.at) or '')[:16]}: "
                   f"{detail.get('reason')}")
    return "\n".join(out)


def unreachable_log(session: Session, round_: Round) -> list[ActionLog]:
    """Reminders the sweep could not send because no channel reaches the contact, newest first.

    Kept as a log, not retried: the coordinator fixes the address or calls the person.
    """
    return list(session.exec(
        select(ActionLog)
        .join(Assignment, col(Assignment.id) == col(ActionLog.assignment_id))
        .where(ActionLog.action == UNREACHABLE, Assignment.round_id == round_.id)
        .order_by(col(ActionLog.at).desc(), col(ActionLog.id).desc())))


def overview_numbers(session: Session, period: str | None = None) -> dict[str, Any] | None:
    """The dashboard overview's numbers for a chat: per status, and per committee answered/total.

    The latest round unless `period` is given; None when there is no such round.
    """
    try:
        round_ = find_round(session, period)
    except RoundError:
        return None
    rows = round_status(session, round_)
    return {
        "period": round_.period,
        "deadline": iso(round_.deadline),
        "committees": len(rows),
        "counts": {s: sum(1 for r in rows if r.status == s) for s in STATUSES},
        "answered": sum(r.answered for r in rows),
        "total": sum(r.total for r in rows),
        "rows": [{"committee": r.committee, "status": r.status, "answered": r.answered,
                  "total": r.total} for r in rows],
    }
