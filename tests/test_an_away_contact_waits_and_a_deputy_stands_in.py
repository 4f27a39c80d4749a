"""Out of office: no reminder before the return; a return after the deadline goes to the deputy."""

from __future__ import annotations

from datetime import date

from intake.rounds.reminders import sweep
from tests.support.reminders import (
    LADDER_AT,
    NORRMALM,
    TRAFIK,
    add_coordinator,
    assignment_state,
    at,
    committee_of,
    digest_rows,
    open_reminder_round,
    reminder_rows,
    update_contact,
    wall,
)

KIM, ALEX, ROBIN = ("kim.exempelsson@example.se", "alex.testsson@example.se",
                    "robin.provstrom@example.se")


def _sweep_at(engine, *moments: str) -> None:
    for moment in moments:
        assert not sweep(engine, at(moment)).errors


def _received(engine, committee: str) -> list[tuple[str, str, str]]:
    """(recipient, step, when) of a committee's reminders."""
    return [(row.recipient, row.dedupe_key.rsplit(":", 1)[1], wall(row.created_at))
            for row in reminder_rows(engine) if committee_of(engine, row.assignment_id)
            == committee]


def test_a_contact_back_before_the_deadline_gets_the_missed_step_on_return(engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, away_until=date(2027, 1, 11))  # back Monday, before "-1"
    first = sweep(engine, at(LADDER_AT["-7"]))
    waiting = [n for n in first.of("waiting") if n.committee == NORRMALM]
    assert waiting and waiting[0].note == "away until 2027-01-11T09:00:00+01:00"
    assert wall(assignment_state(engine, NORRMALM).next_reminder_at) == "2027-01-11 09:00"

    _sweep_at(engine, LADDER_AT["-3"], "2027-01-10 12:00", "2027-01-11 09:00",
              "2027-01-11 15:00", LADDER_AT["-1"])
    assert _received(engine, NORRMALM) == [
        (KIM, "-3", "2027-01-11 09:00"), (KIM, "-1", "2027-01-12 09:00")]


def test_a_return_after_the_deadline_sends_every_step_to_the_deputy_instead(engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, away_until=date(2027, 1, 25))
    _sweep_at(engine, *LADDER_AT.values())
    assert _received(engine, NORRMALM) == [(ALEX, step, when) for step, when in LADDER_AT.items()]
    row = next(r for r in reminder_rows(engine) if r.recipient == ALEX)
    assert row.data["deputy_for"] == "Kim Exempelsson"
    assert row.data["contact_name"] == "Alex Testsson"


def test_without_a_deputy_the_contact_waits_but_stays_in_the_coordinators_digest(engine):
    open_reminder_round(engine)
    add_coordinator(engine)
    update_contact(engine, ROBIN, away_until=date(2027, 1, 20))  # Trafiknämnden: no deputy
    result = sweep(engine, at(LADDER_AT["+1"]))
    assert [n.committee for n in result.of("waiting")] == [TRAFIK]
    assert TRAFIK in [item["committee"] for item in digest_rows(engine)[-1].data["late"]]
    # It wakes again at "+3" for the digest, then reminds on the return day, once.
    assert wall(assignment_state(engine, TRAFIK).next_reminder_at) == LADDER_AT["+3"]
    _sweep_at(engine, LADDER_AT["+3"], "2027-01-20 09:00", "2027-01-20 10:00")
    assert _received(engine, TRAFIK) == [(ROBIN, "+3", "2027-01-20 09:00")]


def test_an_away_deputy_does_not_stand_in(engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, away_until=date(2027, 1, 25))
    update_contact(engine, ALEX, away_until=date(2027, 1, 25))
    _sweep_at(engine, LADDER_AT["-7"], LADDER_AT["0"])
    assert _received(engine, NORRMALM) == []

