"""A contact no channel reaches: logged for the coordinator once per step, never looped on."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from intake.rounds.reminders import sweep
from storage.db import transaction
from storage.models import ActionLog
from tests.support.helpers import run_cli
from tests.support.reminders import (
    LADDER_AT,
    NORRMALM,
    assignment_state,
    at,
    open_reminder_round,
    reminder_rows,
    update_contact,
    wall,
)

KIM = "kim.exempelsson@example.se"
FAILED = datetime(2026, 12, 22, tzinfo=UTC)


def test_failing_mail_and_no_telegram_is_logged_and_the_ladder_moves_on(cli_env, engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, email_failing_at=FAILED, email_failure="550 no such user")
    for _ in range(3):
        sweep(engine, at(LADDER_AT["-7"]))
    assert [r for r in reminder_rows(engine) if r.recipient == KIM] == []
    with transaction(engine) as session:
        logged = session.exec(select(ActionLog)).all()
    assert [(e.action, e.detail["step"], e.detail["contact"]) for e in logged] == [
        ("reminder_unreachable", "-7", KIM)]
    assert wall(assignment_state(engine, NORRMALM).next_reminder_at) == LADDER_AT["-3"]
    table = run_cli("status").stdout
    assert (f"unreachable: {NORRMALM} ({KIM}) got no reminder -7 at 2026-12-30T09:00: "
            "550 no such user") in table


def test_a_working_telegram_chat_still_reaches_a_contact_whose_mail_fails(engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, email_failing_at=FAILED, telegram_chat_id=77)
    sweep(engine, at(LADDER_AT["-7"]))
    assert [(r.channel, r.recipient) for r in reminder_rows(engine)
            if r.contact_id and r.recipient == "77"] == [("telegram", "77")]


def test_a_blocked_bot_and_failing_mail_is_unreachable(engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, email_failing_at=FAILED, telegram_chat_id=77,
                   telegram_blocked_at=FAILED)
    result = sweep(engine, at(LADDER_AT["-7"]))
    assert [(n.committee, n.recipient) for n in result.of("unreachable")] == [(NORRMALM, KIM)]
