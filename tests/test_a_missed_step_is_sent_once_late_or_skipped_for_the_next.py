"""A step whose time passed while nothing ran: sent once late, unless the next one is due."""

from __future__ import annotations

from intake.rounds.reminders import sweep
from tests.support.reminders import (
    LADDER_AT,
    NORRMALM,
    assignment_state,
    at,
    open_reminder_round,
    reminder_rows,
    wall,
)


def _steps(engine, committee_recipient="kim.exempelsson@example.se"):
    return [(r.dedupe_key.rsplit(":", 1)[1], wall(r.created_at)) for r in reminder_rows(engine)
            if r.recipient == committee_recipient]


def test_a_step_missed_while_nothing_ran_is_sent_once_on_the_next_sweep(engine):
    open_reminder_round(engine)
    sweep(engine, at(LADDER_AT["-7"]))
    # Nothing ran on Friday 8 January; Monday morning's sweep sends "-3", late, once.
    for moment in ("2027-01-11 08:00", "2027-01-11 14:00", "2027-01-11 17:59"):
        sweep(engine, at(moment))
    sweep(engine, at(LADDER_AT["-1"]))
    assert _steps(engine) == [("-7", "2026-12-30 09:00"), ("-3", "2027-01-11 08:00"),
                              ("-1", "2027-01-12 09:00")]


def test_steps_whose_successor_is_due_are_skipped_for_the_latest(engine):
    open_reminder_round(engine)
    result = sweep(engine, at("2027-01-13 11:00"))  # first sweep ever, after step "0"
    assert {n.step for n in result.reminders} == {"0"}
    assert _steps(engine) == [("0", "2027-01-13 11:00")]
    state = assignment_state(engine, NORRMALM)
    assert state.reminders_sent == 1
    assert (wall(state.next_reminder_at), state.next_reminder_step) == (LADDER_AT["+1"], 1)
