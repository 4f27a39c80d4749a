"""The issue's "done when": every hour from opening to three working days past the deadline.

Five committees: two never finish (one on e-mail, one on Telegram), one submits between the
"-3" and "-1" steps, one submits at once and one is approved. Each unfinished contact gets
exactly its ladder, on working days within 08-18, and nobody else gets any reminder.
"""

from __future__ import annotations

from datetime import timedelta

from intake.clock import local
from intake.rounds.calendar import is_working_day
from intake.rounds.opening import find_round
from intake.rounds.reminders import sweep
from intake.rounds.status import round_status
from storage.db import transaction
from tests.support.reminders import (
    HAMN,
    IDROTT,
    KULTUR,
    LADDER_AT,
    NORRMALM,
    OPENED,
    PERIOD,
    TRAFIK,
    add_coordinator,
    answer,
    approve,
    at,
    digest_rows,
    finish,
    open_reminder_round,
    reminder_rows,
    update_contact,
    wall,
)

KIM, ROBIN, ELI = "kim.exempelsson@example.se", "robin.provstrom@example.se", \
    "eli.pahittsson@example.se"
ROBIN_CHAT = 4242
KULTUR_SUBMITS = at("2027-01-10 12:00")  # a Sunday, between "-3" and "-1"
END = at("2027-01-19 00:00")  # the end of the third working day after the deadline


def _prepare(engine):
    open_reminder_round(engine)
    add_coordinator(engine)
    update_contact(engine, ROBIN, telegram_chat_id=ROBIN_CHAT, telegram_user_id=ROBIN_CHAT)
    answer(engine, OPENED, TRAFIK, range(1, 3))
    finish(engine, OPENED, HAMN)
    approve(engine, OPENED, IDROTT)


def _walk(engine):
    """Sweep at every whole hour; return (wall time, committee, step, channel, recipient)."""
    sent, digests = [], []
    moment = OPENED.replace(minute=0) + timedelta(hours=1)
    while moment <= END:
        if moment == KULTUR_SUBMITS:
            finish(engine, moment, KULTUR)
        result = sweep(engine, moment)
        assert not result.errors
        sent += [(wall(moment), n.committee, n.step, n.channel, n.recipient)
                 for n in result.reminders]
        digests += [(wall(moment), n.step, n.recipient) for n in result.digests]
        moment += timedelta(hours=1)
    return sent, digests


def test_each_unfinished_contact_gets_exactly_its_ladder_and_nobody_else_anything(engine):
    _prepare(engine)
    sent, digests = _walk(engine)

    expected = sorted(
        [(LADDER_AT[s], NORRMALM, s, "email", KIM) for s in LADDER_AT]
        + [(LADDER_AT[s], TRAFIK, s, "telegram", str(ROBIN_CHAT)) for s in LADDER_AT]
        + [(LADDER_AT[s], KULTUR, s, "email", ELI) for s in ("-7", "-3")]
    )
    assert sorted(sent) == expected
    assert digests == [(LADDER_AT["+1"], "+1", "samordnare@example.se"),
                       (LADDER_AT["+3"], "+3", "samordnare@example.se")]
    for when, *_ in sent:
        moment = local(at(when))
        assert is_working_day(moment.date()) and 8 <= moment.hour < 18

    # The outbox agrees: one row per reminder, each under its own key, none for anyone else.
    rows = reminder_rows(engine)
    assert sorted((r.recipient, r.dedupe_key.rsplit(":", 1)[1]) for r in rows) == \
        sorted((recipient, step) for _, _, step, _, recipient in expected)
    assert len({r.dedupe_key for r in rows}) == len(rows)
    late = [item["committee"] for item in digest_rows(engine)[0].data["late"]]
    assert late == [NORRMALM, TRAFIK]


def test_status_counts_the_reminders_and_shows_none_left_after_the_ladder(engine):
    _prepare(engine)
    _walk(engine)
    with transaction(engine) as session:
        rows = {r.committee: r for r in round_status(session, find_round(session, PERIOD))}
    assert {name: r.reminders_sent for name, r in rows.items()} == {
        NORRMALM: 6, TRAFIK: 6, KULTUR: 2, HAMN: 0, IDROTT: 0}
    assert {r.next_reminder for r in rows.values()} == {None}
