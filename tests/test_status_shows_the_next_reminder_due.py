"""`intake status --json` shows per assignment the reminders sent and the next one due."""

from __future__ import annotations

from intake.rounds.reminders import sweep
from tests.support.helpers import run_cli
from tests.support.reminders import (
    HAMN,
    LADDER_AT,
    NORRMALM,
    OPENED,
    at,
    finish,
    open_reminder_round,
)


def _row(status, committee):
    return next(a for a in status["assignments"] if a["committee"] == committee)


def test_the_next_reminder_moves_along_the_ladder_and_clears_on_submission(cli_env, engine):
    open_reminder_round(engine)
    status = run_cli("status", "--json").json()
    assert _row(status, NORRMALM)["next_reminder"] == "2026-12-30T09:00:00+01:00"
    assert _row(status, NORRMALM)["reminders_sent"] == 0

    sweep(engine, at(LADDER_AT["-7"]))
    finish(engine, OPENED, HAMN)
    status = run_cli("status", "--json").json()
    assert _row(status, NORRMALM)["next_reminder"] == "2027-01-08T09:00:00+01:00"
    assert _row(status, NORRMALM)["reminders_sent"] == 1
    assert _row(status, HAMN)["next_reminder"] is None
    assert _row(status, HAMN)["status"] == "submitted"

    table = run_cli("status").stdout
    norrmalm_line = next(line for line in table.splitlines() if line.startswith(NORRMALM))
    assert "2027-01-08 09:00" in norrmalm_line
