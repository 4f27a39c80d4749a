"""Done is done: submission clears the next reminder, and the sweep skips done ones anyway."""

from __future__ import annotations

from intake.rounds.reminders import sweep
from storage.db import transaction
from tests.support.helpers import assignment_of
from tests.support.reminders import (
    HAMN,
    IDROTT,
    LADDER_AT,
    OPENED,
    approve,
    assignment_state,
    at,
    finish,
    open_reminder_round,
    reminder_rows,
)


def test_submission_clears_the_next_reminder(engine):
    open_reminder_round(engine)
    finish(engine, OPENED, HAMN)
    state = assignment_state(engine, HAMN)
    assert (state.next_reminder_at, state.next_reminder_step) == (None, None)


def test_a_done_assignment_with_a_stale_next_reminder_is_still_skipped(engine):
    open_reminder_round(engine)
    finish(engine, OPENED, HAMN)
    approve(engine, OPENED, IDROTT)
    with transaction(engine) as session:  # as if an older version had left the column set
        for name in (HAMN, IDROTT):
            assignment_of(session, name).next_reminder_at = at(LADDER_AT["-7"])
    for step in LADDER_AT.values():
        sweep(engine, at(step))
    recipients = {r.recipient for r in reminder_rows(engine)}
    assert "sam.demosson@example.se" not in recipients
    assert "noa.latsasson@example.se" not in recipients
    assert len(recipients) == 3
