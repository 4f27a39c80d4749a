"""Small builders the tests share: a roster, an open round, running the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from intake.cli import app
from intake.clock import as_utc
from intake.conversation.engine import Event, handle_event
from intake.forms import find_form
from intake.messaging.tokens import unseal
from intake.people.roster import import_roster, parse_roster
from intake.rounds.opening import open_round
from storage.db import transaction
from storage.models import Assignment, Committee, Outbox

ROSTER = """committee,kind,contact_name,email,phone,role,language
Norrmalms stadsdelsnämnd,district,Kim Exempelsson,kim.exempelsson@example.se,08-000 00 00,main,sv
Norrmalms stadsdelsnämnd,district,Alex Testsson,alex.testsson@example.se,08-000 00 01,deputy,sv
Trafiknämnden,specialist,Robin Provström,robin.provstrom@example.se,08-000 00 02,main,sv
Stockholms Hamn AB,company,Sam Demosson,sam.demosson@example.se,08-000 00 03,main,en
"""


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, input: str | None = None) -> CliResult:
    """Run `intake ARGS` in this process, against the environment the test set."""
    result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def load_roster(engine: Engine, now: datetime, text: str = ROSTER) -> None:
    with transaction(engine) as session:
        import_roster(session, parse_roster(text), now)


def open_test_round(engine: Engine, now: datetime, period: str = "2026 T3",
                    deadline: datetime | None = None) -> None:
    deadline = deadline or as_utc(datetime(2027, 1, 20, 17, 0))
    with transaction(engine) as session:
        open_round(session, find_form("naringsliv"), period, deadline, now)


def assignment_of(session: Session, committee: str, period: str | None = None) -> Assignment:
    query = select(Assignment).join(Committee, col(Committee.id) == col(Assignment.committee_id))
    query = query.where(Committee.name == committee).order_by(col(Assignment.id).desc())
    return session.exec(query).first()  # type: ignore[return-value]


def send(engine: Engine, now: datetime, committee: str, kind: str, channel: str = "telegram",
         **fields: Any) -> list[Any]:
    """Apply one event to a committee's latest assignment; return the replies."""
    with transaction(engine) as session:
        assignment = assignment_of(session, committee)
        return handle_event(session, assignment, Event(kind=kind, channel=channel, **fields), now)


def outbox(session: Session) -> list[Outbox]:
    return list(session.exec(select(Outbox).order_by(col(Outbox.id))))


def live_data(row: Outbox) -> dict[str, Any]:
    """An unsent outbox row's data as it will be sent: its sealed tokens put back in."""
    return unseal(row.data, row.sealed)
