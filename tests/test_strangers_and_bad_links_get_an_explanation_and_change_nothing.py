"""A stranger, a forged token and a reused token: a polite explanation, nothing stored."""

from __future__ import annotations

from sqlmodel import select

from storage.db import transaction
from storage.models import Answer, Contact, Fragment
from tests.support.helpers import load_roster
from tests.support.telegram import open_telegram_round, start_token
from tests.support.telegram_chat import Chat, inbox_rows, templates_sent

KIM, STRANGER = 5001, 5002


def _answers(engine) -> int:
    with transaction(engine) as session:
        return len(list(session.exec(select(Answer)))) + len(list(session.exec(select(Fragment))))


def test_a_stranger_is_told_how_to_get_access(engine, clock):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    stranger = Chat(engine, clock, STRANGER, "Robin", language_code="en")
    stranger.message("/start")
    stranger.message("Here is my answer")
    stranger.message("/next")
    assert templates_sent(engine, STRANGER) == ["not_linked"] * 3
    assert _answers(engine) == 0
    assert all(row.assignment_id is None and row.status == "rejected"
               for row in inbox_rows(engine))


def test_a_forged_token_is_refused(engine, clock):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    Chat(engine, clock, STRANGER).message("/start AAAAAAAAAAAAAAAAAAAAAAAA")
    assert templates_sent(engine, STRANGER) == ["link_invalid"]
    with transaction(engine) as session:
        assert session.exec(select(Contact).where(Contact.telegram_user_id == STRANGER)).first() \
            is None


def test_a_used_token_does_not_link_a_second_user(engine, clock):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, "Norrmalms stadsdelsnämnd")
    Chat(engine, clock, KIM).message(f"/start {token}")
    assert templates_sent(engine, KIM) == ["question"]
    other = Chat(engine, clock, STRANGER)
    other.message(f"/start {token}")
    other.message("Ett svar som inte får sparas")
    assert templates_sent(engine, STRANGER) == ["link_invalid", "not_linked"]
    assert _answers(engine) == 0
    with transaction(engine) as session:
        kim = session.exec(select(Contact).where(Contact.telegram_user_id == KIM)).one()
        assert kim.email == "kim.exempelsson@example.se"
