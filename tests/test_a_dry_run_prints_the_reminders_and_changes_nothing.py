"""`intake remind --dry-run` prints what would be sent and leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from storage.db import transaction
from storage.models import ActionLog, Assignment, Outbox, Token
from tests.support.helpers import run_cli
from tests.support.reminders import add_coordinator, open_reminder_round


def _snapshot(engine):
    with transaction(engine) as session:
        return (
            [(o.id, o.status, o.dedupe_key) for o in session.exec(select(Outbox))],
            len(session.exec(select(Token)).all()),
            len(session.exec(select(ActionLog)).all()),
            sorted((a.id, a.reminders_sent, str(a.next_reminder_at), a.next_reminder_step)
                   for a in session.exec(select(Assignment))),
        )


def test_a_dry_run_lists_the_same_reminders_a_real_run_then_sends(cli_env, engine):
    open_reminder_round(engine)
    add_coordinator(engine)
    before = _snapshot(engine)
    dry = run_cli("remind", "--now", "2027-01-14T09:00", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.splitlines()[-1] == (
        "5 reminder(s) and 1 digest(s) would be sent (dry run, nothing changed) "
        "at 2027-01-14T09:00:00+01:00")
    assert _snapshot(engine) == before
    assert not (Path(cli_env["INTAKE_VAR_DIR"]) / "maildir").exists()

    real = run_cli("remind", "--now", "2027-01-14T09:00")
    assert real.stdout.splitlines()[:-2] == dry.stdout.splitlines()[:-1]
    assert "5 reminder(s) and 1 digest(s) enqueued" in real.stdout
