"""Rounds: opening a period for a form, with an assignment and an invitation per committee."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from intake.clock import from_db, iso, local
from intake.conversation.engine import invitation
from intake.forms import Form
from intake.messaging.outbox import enqueue
from intake.messaging.tokens import issue_token
from intake.rounds.calendar import (
    LadderStep,
    deadline_warning,
    ladder_schedule,
    parse_ladder,
    parse_time_of_day,
)
from storage.models import Assignment, Committee, Contact, FormSnapshot, Outbox, Round


class RoundError(ValueError):
    """A round that cannot be opened or found; the message is one line."""


@dataclass
class RoundOpened:
    round: Round
    assignments: int = 0
    invitations: int = 0
    warnings: list[str] = field(default_factory=list)


def snapshot_form(session: Session, form: Form, now: datetime) -> FormSnapshot:
    """The stored copy of this exact form text, made once and shared by rounds that use it."""
    content = form.model_dump(mode="json")
    checksum = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    existing = session.exec(select(FormSnapshot).where(
        FormSnapshot.form_id == form.id, FormSnapshot.checksum == checksum)).first()
    if existing:
        return existing
    snapshot = FormSnapshot(form_id=form.id, version=form.version, checksum=checksum,
                            content=content, created_at=now)
    session.add(snapshot)
    session.flush()
    return snapshot


def round_form(session: Session, round_: Round) -> Form:
    return Form.model_validate(session.get_one(FormSnapshot, round_.form_snapshot_id).content)


def working_channel(contact: Contact) -> str:
    """Telegram when linked and reachable, else e-mail."""
    if contact.telegram_chat_id and contact.telegram_blocked_at is None:
        return "telegram"
    return "email"


def main_contact(session: Session, committee: Committee) -> Contact | None:
    contacts = list(session.exec(
        select(Contact).where(Contact.committee_id == committee.id, col(Contact.active))
        .order_by(col(Contact.id))))
    return next((c for c in contacts if c.role == "main"), contacts[0] if contacts else None)


def open_round(
    session: Session,
    form: Form,
    period: str,
    deadline: datetime,
    now: datetime,
    *,
    ladder_text: str | None = None,
    reminder_time: str | None = None,
    telegram_enabled: bool = False,
) -> RoundOpened:
    """Create the round, its assignments and one invitation per main contact, in one go."""
    period = " ".join(period.split())
    if not period:
        raise RoundError("the period is empty (e.g. --period \"2022 VB\")")
    if deadline <= now:
        raise RoundError(f"the deadline {iso(deadline)} is in the past")
    existing = session.exec(select(Round).where(Round.period == period)).first()
    if existing:
        raise RoundError(
            f"a round for {period!r} is already open (opened {iso(existing.opened_at)})")
    ladder = parse_ladder(ladder_text) if ladder_text else tuple(form.reminders.ladder)
    time_text = reminder_time or form.reminders.time
    parse_time_of_day(time_text)
    round_ = Round(period=period, form_snapshot_id=snapshot_form(session, form, now).id or 0,
                   deadline=deadline, reminder_ladder=list(ladder), reminder_time=time_text,
                   opened_at=now)
    session.add(round_)
    session.flush()
    result = RoundOpened(round_)
    if warning := deadline_warning(deadline):
        result.warnings.append(warning)
    for committee in _participants(session, form, deadline):
        contact = main_contact(session, committee)
        if contact is None:
            result.warnings.append(f"{committee.name} has no contact and gets no assignment")
            continue
        assignment = Assignment(round_id=round_.id or 0, committee_id=committee.id or 0,
                                contact_id=contact.id or 0)
        session.add(assignment)
        session.flush()
        schedule_next_reminder(session, assignment, round_, now)
        send_invitation(session, assignment, contact, now, telegram_enabled)
        result.assignments += 1
        result.invitations += 1
    if result.assignments == 0:
        raise RoundError(f"no committee in the roster answers the form {form.id!r}; "
                         "import a roster first (intake roster import FILE.csv)")
    return result


def _participants(session: Session, form: Form, deadline: datetime) -> list[Committee]:
    day = local(deadline).date()
    committees = session.exec(select(Committee).order_by(col(Committee.kind), col(Committee.name)))
    return [c for c in committees if form.applies_to(c.kind)
            and (c.valid_from is None or c.valid_from <= day)
            and (c.valid_to is None or c.valid_to >= day)]


def send_invitation(session: Session, assignment: Assignment, contact: Contact, now: datetime,
                    telegram_enabled: bool) -> None:
    """Question 1 with the introduction, on the contact's working channel."""
    reply = invitation(session, assignment, now)
    channel = working_channel(contact)
    data: dict[str, Any] = dict(reply.data)
    if channel == "email" and telegram_enabled:
        round_ = session.get_one(Round, assignment.round_id)
        data["telegram_start_token"] = issue_token(
            session, "telegram_link", now, assignment_id=assignment.id, contact_id=contact.id,
            expires_at=round_.closed_at,
        ).token
    enqueue(session, channel=channel, contact=contact, kind="question", template="question",
            data=data, now=now, assignment=assignment, question_id=reply.question_id,
            question_number=reply.question_number,
            dedupe_key=f"invitation:{assignment.id}:{contact.id}")


def schedule(round_: Round) -> list[LadderStep]:
    # from_db: SQLite hands the deadline back naive (stored UTC), which the calendar would
    # read as Stockholm time and shift a deadline near midnight to the wrong day.
    return ladder_schedule(from_db(round_.deadline) or round_.deadline, round_.reminder_ladder,
                           parse_time_of_day(round_.reminder_time))


def schedule_next_reminder(session: Session, assignment: Assignment, round_: Round,
                           now: datetime) -> None:
    """Keep the assignment's next due reminder step in its indexed column."""
    upcoming = [s for s in schedule(round_) if s.at > now]
    if assignment.status in ("submitted", "approved") or not upcoming:
        assignment.next_reminder_at, assignment.next_reminder_step = None, None
    else:
        step = upcoming[0]
        assignment.next_reminder_at, assignment.next_reminder_step = step.at, step.step
    session.add(assignment)


def find_round(session: Session, period: str | None) -> Round:
    """The round of this period, or the latest round when no period is given."""
    if period:
        found = session.exec(select(Round).where(Round.period == " ".join(period.split()))).first()
        if found is None:
            known = ", ".join(r.period for r in session.exec(select(Round))) or "none"
            raise RoundError(f"no round for period {period!r} (rounds: {known})")
        return found
    latest = session.exec(select(Round).order_by(col(Round.opened_at).desc())).first()
    if latest is None:
        raise RoundError("no round has been opened yet (intake round open FORM_ID ...)")
    return latest


def list_rounds(session: Session) -> list[Round]:
    return list(session.exec(select(Round).order_by(col(Round.deadline))))


def round_json(round_: Round) -> dict[str, Any]:
    return {
        "period": round_.period,
        "deadline": iso(round_.deadline),
        "ladder": [{"step": step.step, "at": iso(step.at)} for step in schedule(round_)],
    }


def close_round(session: Session, round_: Round, now: datetime) -> int:
    """Close a round: no more replies or reminders; returns how many queued reminders stop.

    Closing starts the retention clock of the round's raw messages (intake privacy purge).
    """
    if round_.closed_at is not None:
        raise RoundError(f"the round {round_.period!r} is already closed "
                         f"(closed {iso(round_.closed_at)})")
    round_.closed_at = now
    session.add(round_)
    assignments = list(session.exec(select(Assignment).where(Assignment.round_id == round_.id)))
    for assignment in assignments:
        assignment.next_reminder_at, assignment.next_reminder_step = None, None
        session.add(assignment)
    cancelled = 0
    ids = [a.id for a in assignments]
    if ids:
        for row in session.exec(select(Outbox).where(
                col(Outbox.assignment_id).in_(ids), Outbox.status == "pending",
                Outbox.kind == "reminder")):
            row.status = "cancelled"
            session.add(row)
            cancelled += 1
    session.flush()
    return cancelled
