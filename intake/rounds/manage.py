"""Coordinators' management actions: open a round, edit the roster, nudge, change a contact.

Plain functions over the caller's session, shared by the dashboard and the command line so
both give the same messages: the errors are the domain's own (RoundError, LadderError,
FormError, RosterError, ReviewError), each one line. Every coordinator's change writes an
ActionLog row with who and when, and any message goes to the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from intake.clock import from_db, parse_datetime
from intake.conversation.engine import DONE_STATUSES
from intake.forms import Form, FormError, find_form, form_dirs, load_form_file
from intake.messaging.outbox import enqueue
from intake.people.contacts import end_link_tokens
from intake.people.roster import RosterError, validate_contact_values
from intake.rounds.calendar import LadderStep
from intake.rounds.opening import RoundError, RoundOpened, open_round
from intake.rounds.reminders import reachable_channel, reminder_data
from intake.rounds.review import ReviewError, log_action, resend_invitation
from storage.models import Assignment, Committee, Contact, Outbox, Round


# -- rounds -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormChoice:
    id: str
    title: str
    ladder: str  # the form's default reminder ladder, as the --reminders option writes it
    time: str


def form_choices(extra_dir: str | None) -> tuple[list[FormChoice], list[str]]:
    """The forms a round can use (bundled and FORMS_DIR), and the problems of broken files.

    A broken file in FORMS_DIR is not offered, but its problems are shown, so a coordinator
    who dropped a form there learns why it is missing.
    """
    choices, problems, seen = [], [], set()
    for directory in form_dirs(extra_dir):
        for path in sorted(Path(directory).glob("*.y*ml")):
            try:
                form = load_form_file(path)
            except FormError as exc:
                problems += exc.problems
                continue
            if form.id in seen:
                continue
            seen.add(form.id)
            ladder = ",".join(f"{step:+d}" if step else "0" for step in form.reminders.ladder)
            choices.append(FormChoice(form.id, form.title, ladder, form.reminders.time))
    return choices, problems


def parse_deadline(text: str) -> datetime:
    """The deadline field, with the command line's message for a bad one."""
    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise RoundError(f"--deadline: {exc}") from None


def open_round_as(session: Session, actor: str, form_id: str, period: str, deadline_text: str,
                  now: datetime, *, ladder_text: str | None = None,
                  reminder_time: str | None = None, forms_dir: str | None = None,
                  telegram_enabled: bool = False) -> RoundOpened:
    """`intake round open` for a coordinator; raises the same errors, changes nothing then."""
    deadline = parse_deadline(deadline_text)
    form: Form = find_form(form_id, forms_dir)
    opened = open_round(session, form, period, deadline, now, ladder_text=ladder_text or None,
                        reminder_time=reminder_time or None, telegram_enabled=telegram_enabled)
    log_action(session, actor, "round_opened", None, now, period=opened.round.period,
               form=form.id, assignments=opened.assignments)
    return opened


# -- the roster -------------------------------------------------------------------------------
CONTACT_FIELDS = ("contact_name", "email", "phone", "role", "language")


def save_contact(session: Session, committee: Committee, values: dict[str, str], actor: str,
                 now: datetime, contact: Contact | None = None) -> tuple[Contact, list[str]]:
    """Add a contact to a committee, or change one; returns it and notes for the coordinator.

    Validated by the roster import's own rules (raises RosterError with its messages), and
    like the import, a new main contact makes the committee's earlier main a deputy.
    """
    cleaned = {k: str(values.get(k, "")).strip() for k in CONTACT_FIELDS}
    row = validate_contact_values(committee, cleaned)
    clash = session.exec(select(Contact).where(
        Contact.committee_id == committee.id, Contact.email == row.email)).first()
    if clash is not None and (contact is None or clash.id != contact.id):
        raise RosterError([f"{row.email} is already a contact of {committee.name!r}"])
    notes = []
    if row.role == "main":
        for other in session.exec(select(Contact).where(
                Contact.committee_id == committee.id, Contact.role == "main")):
            if contact is None or other.id != contact.id:
                other.role = "deputy"
                session.add(other)
                notes.append(f"{other.email} is now a deputy for {committee.name}")
    before: dict[str, Any] = {}
    if contact is None:
        contact = Contact(committee_id=committee.id or 0, name=row.contact_name, email=row.email,
                          phone=row.phone, role=row.role, language=row.language, created_at=now)
        action = "contact_added"
    else:
        before = {"name": contact.name, "email": contact.email, "phone": contact.phone,
                  "role": contact.role, "language": contact.language}
        if contact.email != row.email:
            # A new address has not failed yet: the old one's bounces say nothing about it.
            contact.email_failing_at, contact.email_failure = None, None
        contact.name, contact.email, contact.phone = row.contact_name, row.email, row.phone
        contact.role, contact.language = row.role, row.language
        action = "contact_changed"
    contact.active = True
    session.add(contact)
    session.flush()
    after = {"name": contact.name, "email": contact.email, "phone": contact.phone,
             "role": contact.role, "language": contact.language}
    changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    log_action(session, actor, action, None, now, committee=committee.name,
               contact_id=contact.id, changes=changed)
    return contact, notes


def contact_values(contact: Contact) -> dict[str, str]:
    return {"contact_name": contact.name, "email": contact.email, "phone": contact.phone,
            "role": contact.role, "language": contact.language}


# -- nudging and handing over -------------------------------------------------------------------
def _assignment(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise ReviewError(f"no assignment {assignment_id}")
    return assignment


def remind_now(session: Session, assignment_id: int, actor: str, now: datetime) -> Outbox:
    """A reminder to the assignment's contact now, built like the ladder's, on their channel."""
    assignment = _assignment(session, assignment_id)
    if assignment.status in DONE_STATUSES:
        raise ReviewError("the report is already submitted; there is nothing to remind of")
    contact = session.get_one(Contact, assignment.contact_id)
    channel = reachable_channel(contact)
    if channel is None:
        reason = contact.email_failure or "e-mail failing and no working Telegram chat"
        raise ReviewError(f"no channel reaches {contact.email}: {reason}")
    round_ = session.get_one(Round, assignment.round_id)
    deadline = from_db(round_.deadline) or round_.deadline
    step = LadderStep(step=0, at=now, overdue=now > deadline, name="manual")
    data, question_id, number = reminder_data(session, assignment, contact, step, now)
    # The time in the key keeps two deliberate clicks apart and one double-submit together.
    key = f"manual-reminder:{assignment.id}:{now.strftime('%Y%m%dT%H%M%S')}"
    row = enqueue(session, channel=channel, contact=contact, kind="reminder",
                  template="reminder", data=data, now=now, assignment=assignment,
                  question_id=question_id, question_number=number, dedupe_key=key)
    if row is None:
        raise ReviewError("a reminder was just sent; wait a moment before sending another")
    assignment.reminders_sent += 1
    session.add(assignment)
    log_action(session, actor, "reminder_sent_now", assignment, now, channel=channel,
               to=contact.email)
    return row


def change_contact(session: Session, assignment_id: int, actor: str, now: datetime, *,
                   contact_id: int | None = None, new: dict[str, str] | None = None,
                   telegram_enabled: bool = False) -> tuple[Contact, Outbox | None, list[str]]:
    """Give the assignment to another contact of the committee, or a new one, and invite them.

    The answers stay with the assignment, so the invitation asks the first open question.
    A submitted or approved report changes hands without an invitation: nothing is asked.
    """
    assignment = _assignment(session, assignment_id)
    committee = session.get_one(Committee, assignment.committee_id)
    previous = session.get_one(Contact, assignment.contact_id)
    notes: list[str] = []
    if new is not None:
        contact, notes = save_contact(session, committee, new, actor, now)
    else:
        found = session.get(Contact, contact_id) if contact_id else None
        if found is None or found.committee_id != committee.id:
            raise ReviewError(f"choose a contact of {committee.name} or add a new one")
        contact = found
    if contact.id == previous.id:
        raise ReviewError(f"{contact.email} is already the contact for {committee.name}")
    contact.active = True
    assignment.contact_id = contact.id or 0
    assignment.confirm_pending = False
    end_link_tokens(session, assignment, now)
    session.add_all([assignment, contact])
    session.flush()
    log_action(session, actor, "contact_switched", assignment, now, to=contact.email,
               **{"from": previous.email})
    if assignment.status in DONE_STATUSES:
        return contact, None, notes
    return contact, resend_invitation(session, assignment.id or 0, actor, now,
                                      telegram_enabled), notes

