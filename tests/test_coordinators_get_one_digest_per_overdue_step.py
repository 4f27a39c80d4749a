"""Overdue steps reach the coordinators as one digest per step, not one mail per committee."""

from __future__ import annotations

from intake.rounds.reminders import sweep
from tests.support.reminders import (
    HAMN,
    IDROTT,
    KULTUR,
    LADDER_AT,
    NORRMALM,
    OPENED,
    TRAFIK,
    add_coordinator,
    at,
    digest_rows,
    finish,
    open_reminder_round,
)

COORDINATORS = ["samordnare@example.se", "ekonom@example.se"]


def test_each_coordinator_gets_one_digest_per_overdue_step_listing_the_late(engine):
    open_reminder_round(engine)
    for email in COORDINATORS:
        add_coordinator(engine, email)
    finish(engine, OPENED, HAMN)
    for step in ("-7", "-3", "-1", "0"):
        assert sweep(engine, at(LADDER_AT[step])).digests == []
    for _ in range(2):  # the second sweep at the same instant sends nothing more
        sweep(engine, at(LADDER_AT["+1"]))
    finish(engine, at(LADDER_AT["+1"]), KULTUR)
    sweep(engine, at(LADDER_AT["+3"]))
    sweep(engine, at("2027-01-25 09:00"))  # past the ladder: nothing new

    rows = digest_rows(engine)
    assert [(r.recipient, r.data["step"]) for r in rows] == [
        (COORDINATORS[0], "+1"), (COORDINATORS[1], "+1"),
        (COORDINATORS[0], "+3"), (COORDINATORS[1], "+3")]
    assert {(r.kind, r.channel, r.contact_id) for r in rows} == {("summary", "email", None)}
    late_at = {r.data["step"]: [item["committee"] for item in r.data["late"]] for r in rows}
    assert late_at == {"+1": [NORRMALM, IDROTT, KULTUR, TRAFIK],
                       "+3": [NORRMALM, IDROTT, TRAFIK]}


def test_without_coordinators_or_without_late_committees_there_is_no_digest(engine):
    open_reminder_round(engine)
    assert sweep(engine, at(LADDER_AT["+1"])).digests == []
    add_coordinator(engine)
    for committee in (NORRMALM, TRAFIK, HAMN, KULTUR, IDROTT):
        finish(engine, at(LADDER_AT["+1"]), committee)
    assert sweep(engine, at(LADDER_AT["+3"])).digests == []
    assert digest_rows(engine) == []
