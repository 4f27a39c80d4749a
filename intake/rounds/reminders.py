"""Reminders: the sweep that sends each assignment's due ladder step once, and the digest.

One sweep is one indexed query (`due_query`) for the assignments whose `next_reminder_at` has
come, so its cost follows the number of due reminders, not the number of assignments. Each
found assignment gets at most the latest due step (`due_step`), under the dedupe key
`reminder:<assignment>:<step>`, and its `next_reminder_at` moves on to the following step.
Overdue steps also reach every coordinator as one digest per round and step.

Channel-free like the rest of intake/: the sweep only writes to the outbox; the entry points
deliver (`intake remind`, `intake serve`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from intake.clock import as_utc, from_db, iso
from intake.conversation.engine import DONE_STATUSES, Conversation
from intake.messaging.outbox import enqueue
from intake.rounds.calendar import STOCKHOLM, LadderStep, due_step, next_allowed, parse_time_of_day
from intake.rounds.opening import schedule, schedule_next_reminder, working_channel
from intake.rounds.status import UNREACHABLE, round_status
from storage.db import is_sqlite
from storage.models import ActionLog, Assignment, Committee, Contact, Coordinator, Outbox, Round

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One line of what a sweep did (or, in a dry run, would do)."""

    kind: str  # reminder | digest | waiting | unreachable
    committee: str
    step: str
    channel: str | None
    recipient: str
    note: str = ""


@dataclass
class SweepResult:
    now: datetime
    dry_run: bool = False
    notices: list[Notice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Notice]:
        return [n for n in self.notices if n.kind == kind]

    @property
    def reminders(self) -> list[Notice]:
        return self.of("reminder")

    @property
    def digests(self) -> list[Notice]:
        return self.of("digest")


def due_query(now: datetime) -> SelectOfScalar[Assignment]:
    """The one query per tick: a range scan of ix_assignment_reminder_due up to `now`.

    Submitted and approved assignments have no `next_reminder_at` (cleared on submission), so
    the status condition only guards against a row that slipped through; it is checked on the
    few rows the index finds, never used to find them.
    """
    return (
        select(Assignment)
        .where(col(Assignment.next_reminder_at) <= as_utc(now),
               col(Assignment.status).not_in(DONE_STATUSES))
        .order_by(col(Assignment.next_reminder_at), col(Assignment.id))
    )


def sweep(target: Session | Engine, now: datetime, dry_run: bool = False) -> SweepResult:
    """Enqueue every reminder due at `now`; with `dry_run`, report them and change nothing.

    Given an engine, the sweep is its own transaction; given a session, it runs in the
    caller's. A dry run does the real work and rolls it back, so it reports exactly what a
    real sweep at that instant would send.
    """
    now = as_utc(now)
    if isinstance(target, Session):
        if not dry_run:
            return _sweep(target, now, dry_run)
        savepoint = target.begin_nested()
        try:
            return _sweep(target, now, dry_run)
        finally:
            savepoint.rollback()
    with Session(target, expire_on_commit=False) as session:
        result = _sweep(session, now, dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        return result


def _sweep(session: Session, now: datetime, dry_run: bool) -> SweepResult:
    result = SweepResult(now, dry_run)
    query = due_query(now)
    if not is_sqlite(session.get_bind()):  # type: ignore[arg-type]
        # Two workers split the due rows instead of both waiting on the same ones; the dedupe
        # key, not this lock, is what makes a reminder go out once.
        query = query.with_for_update(skip_locked=True)
    run = _Run(session, now, result)
    due = list(session.exec(query).all())
    run.preload(due)
    for assignment in due:
        try:
            with session.begin_nested():
                run.remind(assignment)
        except Exception as exc:  # noqa: BLE001 - one broken assignment must not stop the rest
            log.exception("reminder for assignment %s failed", assignment.id)
            result.errors.append(f"assignment {assignment.id}: {type(exc).__name__}: {exc}")
    return result


class _Run:
    """The state of one sweep: its instant, and what it already looked up or sent."""

    def __init__(self, session: Session, now: datetime, result: SweepResult):
        self.session, self.now, self.result = session, now, result
        self.schedules: dict[int, list[LadderStep]] = {}
        self.digested: set[tuple[int, str]] = set()
        self.taken: set[str] = set()
        self.loaded: list[object] = []

    def steps(self, round_id: int) -> list[LadderStep]:
        if round_id not in self.schedules:
            self.schedules[round_id] = schedule(self.session.get_one(Round, round_id))
        return self.schedules[round_id]

    def preload(self, due: list[Assignment]) -> None:
        """Fetch the due rows' rounds, committees, contacts and taken keys in a few queries.

        Without it each reminder costs several lookups by id; with it the session's identity
        map answers them. The cost stays proportional to the due rows. `loaded` holds strong
        references, since the identity map keeps only weak ones.
        """
        if not due:
            return
        for model, ids in ((Round, {a.round_id for a in due}),
                           (Committee, {a.committee_id for a in due}),
                           (Contact, {a.contact_id for a in due})):
            self.loaded += self.session.exec(select(model).where(col(model.id).in_(ids))).all()
        keys = []
        for assignment in due:
            step = due_step(self.steps(assignment.round_id), self.now)
            if step is not None:
                keys.append(f"reminder:{assignment.id}:{step.name}")
        self.taken = set(self.session.exec(
            select(Outbox.dedupe_key).where(col(Outbox.dedupe_key).in_(keys))).all())

    def remind(self, assignment: Assignment) -> None:
        round_ = self.session.get_one(Round, assignment.round_id)
        steps = self.steps(assignment.round_id)
        step = due_step(steps, self.now)
        committee = self.session.get_one(Committee, assignment.committee_id)
        if step is None:  # the ladder changed under it: just point at the next step again
            schedule_next_reminder(self.session, assignment, round_, self.now)
            return
        if step.overdue:
            self.digest(round_, step)
        recipient = self.recipient(assignment, round_, steps, committee.name, step)
        if recipient is None:
            return
        channel = reachable_channel(recipient)
        if channel is None:
            self.unreachable(assignment, recipient, committee.name, step)
        else:
            self.send(assignment, recipient, channel, committee.name, step)
        schedule_next_reminder(self.session, assignment, round_, self.now)

    def recipient(self, assignment: Assignment, round_: Round, steps: list[LadderStep],
                  committee: str, step: LadderStep) -> Contact | None:
        """Who gets this step: the contact, their deputy, or nobody yet (None: deferred)."""
        contact = self.session.get_one(Contact, assignment.contact_id)
        back = return_moment(contact, round_)
        if back is None or back <= self.now:
            return contact
        if back > (from_db(round_.deadline) or round_.deadline):
            deputy = find_deputy(self.session, contact, round_, self.now)
            if deputy is not None:
                return deputy
        wake = wake_time(steps, self.now, back)
        assignment.next_reminder_at = wake
        due_then = due_step(steps, wake)
        assignment.next_reminder_step = due_then.step if due_then else step.step
        self.session.add(assignment)
        self.result.notices.append(Notice("waiting", committee, step.name, None, contact.email,
                                          f"away until {iso(back)}"))
        return None

    def send(self, assignment: Assignment, recipient: Contact, channel: str, committee: str,
             step: LadderStep) -> None:
        key = f"reminder:{assignment.id}:{step.name}"
        # Checked first so a re-run issues no reply token; the unique key is the real guard.
        if key in self.taken:
            return
        data, question_id, number = reminder_data(self.session, assignment, recipient, step,
                                                  self.now)
        row = enqueue(self.session, channel=channel, contact=recipient, kind="reminder",
                      template="reminder", data=data, now=self.now, assignment=assignment,
                      question_id=question_id, question_number=number, dedupe_key=key)
        if row is None:
            return
        assignment.reminders_sent += 1
        self.result.notices.append(
            Notice("reminder", committee, step.name, channel, row.recipient))

    def unreachable(self, assignment: Assignment, contact: Contact, committee: str,
                    step: LadderStep) -> None:
        """Record it for the coordinators and move on: no retry loop for a dead address."""
        reason = contact.email_failure or "e-mail failing and no working Telegram chat"
        self.session.add(ActionLog(
            at=self.now, actor="system", action=UNREACHABLE, assignment_id=assignment.id,
            detail={"committee": committee, "contact": contact.email, "step": step.name,
                    "reason": reason}))
        self.result.notices.append(Notice("unreachable", committee, step.name, None,
                                          contact.email, reason))

    def digest(self, round_: Round, step: LadderStep) -> None:
        key = (round_.id or 0, step.name)
        if key in self.digested:
            return
        self.digested.add(key)
        for notice in send_digest(self.session, round_, step, self.now):
            self.result.notices.append(notice)


def _key_taken(session: Session, key: str) -> bool:
    return session.exec(select(Outbox.id).where(Outbox.dedupe_key == key)).first() is not None


def reachable_channel(contact: Contact) -> str | None:
    """The contact's working channel, or None when neither channel can reach them."""
    channel = working_channel(contact)
    if channel == "email" and contact.email_failing_at is not None:
        return None
    return channel


def return_moment(contact: Contact, round_: Round) -> datetime | None:
    """When an away contact may be reminded again: their return day at the ladder's time."""
    if contact.away_until is None:
        return None
    clock = parse_time_of_day(round_.reminder_time)
    return next_allowed(datetime.combine(contact.away_until, clock, tzinfo=STOCKHOLM))


def wake_time(steps: list[LadderStep], now: datetime, back: datetime) -> datetime:
    """When to look at a waiting assignment again: the return, or an earlier overdue step.

    Waking at each overdue step keeps the committee in the coordinators' digest even while
    its contact is away; the contact still hears nothing before coming back.
    """
    overdue = [s.at for s in steps if s.overdue and now < s.at < back]
    return min(overdue, default=back)


def find_deputy(session: Session, contact: Contact, round_: Round,
                now: datetime) -> Contact | None:
    """An active deputy of the same committee who is not away at `now` themselves."""
    deputies = session.exec(
        select(Contact).where(Contact.committee_id == contact.committee_id,
                              Contact.role == "deputy", col(Contact.active),
                              Contact.id != contact.id)
        .order_by(col(Contact.id)))
    for deputy in deputies:
        back = return_moment(deputy, round_)
        if back is None or back <= now:
            return deputy
    return None


def reminder_data(session: Session, assignment: Assignment, recipient: Contact,
                  step: LadderStep, now: datetime) -> tuple[dict[str, Any], str | None, int | None]:
    """The reminder's message data, and the question it carries (a mail reply answers it)."""
    conv = Conversation(session, assignment, now)
    left = [q for q in conv.questions if not conv.is_done(q)]
    current = conv.current()
    question = current if current is not None and conv.is_open(current) \
        else conv.next_open(current)
    data = conv.question_reply(question).data if question else conv.base_data()
    data |= {
        "contact_name": recipient.name,
        "step": step.name,
        "overdue": step.overdue,
        "remaining": len(left),
        "remaining_questions": [
            {"number": conv.number(q.id), "short": q.short_text(), "required": q.required}
            for q in left],
        "has_question": question is not None,
        "deputy_for": conv.contact.name if recipient.id != conv.contact.id else None,
        "away_until": conv.contact.away_until.isoformat()
        if recipient.id != conv.contact.id and conv.contact.away_until else None,
    }
    if question is None:
        return data, None, None
    return data, question.id, data["number"]


def send_digest(session: Session, round_: Round, step: LadderStep,
                now: datetime) -> list[Notice]:
    """One mail per coordinator listing the round's unfinished committees at an overdue step.

    The list is read from the database, not from the sweep's batch, so it is complete even
    when two workers share the due assignments between them.
    """
    coordinators = list(session.exec(select(Coordinator).order_by(col(Coordinator.id))))
    late = [row for row in round_status(session, round_) if row.status not in DONE_STATUSES]
    if not coordinators or not late:
        return []
    data = {
        "period": round_.period,
        "deadline": iso(round_.deadline),
        "step": step.name,
        "days_overdue": step.step,
        "late": [{"committee": r.committee, "kind": r.kind, "status": r.status,
                  "answered": r.answered, "total": r.total, "contact": r.contact,
                  "reminders_sent": r.reminders_sent} for r in late],
    }
    notices = []
    for coordinator in coordinators:
        key = f"digest:{round_.id}:{step.name}:{coordinator.id}"
        row = Outbox(channel="email", recipient=coordinator.email, kind="summary",
                     template="overdue_digest", language="sv", data=data, dedupe_key=key,
                     due_at=now, created_at=now)
        if _insert_once(session, row):
            notices.append(Notice("digest", f"{len(late)} overdue", step.name, "email",
                                  coordinator.email))
    return notices


def _insert_once(session: Session, row: Outbox) -> bool:
    """Add an outbox row unless its dedupe key exists (checked by the unique constraint)."""
    if row.dedupe_key and _key_taken(session, row.dedupe_key):
        return False
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
