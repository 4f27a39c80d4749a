"""Shared set-up for the reminder tests: a round around a holiday season, and its outcomes.

The deadline, Wednesday 13 January 2027 17:00, puts the default ladder across Nyårsdagen,
Nyårsafton (a de facto day off), Trettondedag jul and two weekends; the steps land at 09:00
on 30 December, 8, 12, 13, 14 and 18 January.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from intake.clock import as_utc, from_db, local
from intake.conversation.engine import Conversation, Event, handle_event
from intake.forms import find_form
from intake.messaging.outbox import Delivery
from intake.rounds.opening import open_round
from storage.db import transaction
from storage.models import Assignment, Committee, Contact, Coordinator, Outbox
from tests.support.helpers import ROSTER, assignment_of, load_roster

DEADLINE = as_utc(datetime(2027, 1, 13, 17, 0))
OPENED = as_utc(datetime(2026, 12, 21, 10, 0))
PERIOD = "2026 T3"

# Two more specialist committees, so a round has finished and unfinished ones side by side.
ROSTER_PLUS = ROSTER + (
    "Kulturnämnden,specialist,Eli Påhittsson,eli.pahittsson@example.se,08-000 00 04,main,sv\n"
    "Idrottsnämnden,specialist,Noa Låtsasson,noa.latsasson@example.se,08-000 00 05,main,sv\n"
)
NORRMALM, TRAFIK, HAMN = "Norrmalms stadsdelsnämnd", "Trafiknämnden", "Stockholms Hamn AB"
KULTUR, IDROTT = "Kulturnämnden", "Idrottsnämnden"

# The default ladder for DEADLINE, in Stockholm time, written out by hand from a calendar.
LADDER_AT = {
    "-7": "2026-12-30 09:00", "-3": "2027-01-08 09:00", "-1": "2027-01-12 09:00",
    "0": "2027-01-13 09:00", "+1": "2027-01-14 09:00", "+3": "2027-01-18 09:00",
}


def at(text: str) -> datetime:
    """A Stockholm wall-clock time like "2027-01-08 09:00" as a UTC instant."""
    return as_utc(datetime.fromisoformat(text))


def wall(moment: datetime) -> str:
    """Stockholm wall-clock text of a UTC instant (naive ones come from SQLite, in UTC)."""
    return local(from_db(moment) or moment).strftime("%Y-%m-%d %H:%M")


def open_reminder_round(engine: Engine, roster: str = ROSTER_PLUS, ladder: str | None = None,
                        now: datetime = OPENED) -> None:
    load_roster(engine, now, roster)
    with transaction(engine) as session:
        open_round(session, find_form("naringsliv"), PERIOD, DEADLINE, now, ladder_text=ladder)


def add_coordinator(engine: Engine, email: str = "samordnare@example.se") -> None:
    with transaction(engine) as session:
        session.add(Coordinator(email=email, name="Sam Ordnare", created_at=OPENED))


def update_contact(engine: Engine, email: str, **fields: Any) -> None:
    with transaction(engine) as session:
        contact = session.exec(select(Contact).where(Contact.email == email)).one()
        for name, value in fields.items():
            setattr(contact, name, value)


def answer(engine: Engine, now: datetime, committee: str, numbers: range) -> None:
    """Answer questions by number, as mail replies would."""
    for number in numbers:
        with transaction(engine) as session:
            assignment = assignment_of(session, committee)
            handle_event(session, assignment, Event(kind="answer", channel="email",
                                                    question=str(number),
                                                    text=f"Svar {number}."), now)


def finish(engine: Engine, now: datetime, committee: str) -> None:
    """Answer every question and submit (the second /submit confirms)."""
    with transaction(engine) as session:
        total = len(Conversation(session, assignment_of(session, committee), now).questions)
    answer(engine, now, committee, range(1, total + 1))
    for _ in range(2):
        with transaction(engine) as session:
            handle_event(session, assignment_of(session, committee),
                         Event(kind="submit", channel="email"), now)
    with transaction(engine) as session:
        assert assignment_of(session, committee).status == "submitted"


def approve(engine: Engine, now: datetime, committee: str) -> None:
    """What the coordinators' approval leaves behind (its screen is built elsewhere)."""
    finish(engine, now, committee)
    with transaction(engine) as session:
        assignment = assignment_of(session, committee)
        assignment.status, assignment.approved_at = "approved", now


def reminder_rows(engine: Engine) -> list[Outbox]:
    with transaction(engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == "reminder")
                                 .order_by(col(Outbox.id))))


def digest_rows(engine: Engine) -> list[Outbox]:
    with transaction(engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.template == "overdue_digest")
                                 .order_by(col(Outbox.id))))


def committee_of(engine: Engine, assignment_id: int | None) -> str:
    with transaction(engine) as session:
        assignment = session.get_one(Assignment, assignment_id)
        return session.get_one(Committee, assignment.committee_id).name


def assignment_state(engine: Engine, committee: str) -> Assignment:
    with transaction(engine) as session:
        return assignment_of(session, committee)


class RecordingTransport:
    """A transport that keeps what it was given, for channels with no real one in tests."""

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    async def __call__(self, delivery: Delivery) -> str:
        self.sent.append(delivery)
        return f"rec-{delivery.id}"

