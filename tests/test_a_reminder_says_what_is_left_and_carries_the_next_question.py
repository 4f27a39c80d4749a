"""The reminder text: what is left, and which; how to go on; the deadline in words."""

from __future__ import annotations

from sqlmodel import select

from intake.messaging.texts import render
from intake.messaging.tokens import hash_token
from intake.rounds.reminders import sweep
from storage.db import transaction
from storage.models import Token
from tests.support.helpers import live_data
from tests.support.reminders import (
    LADDER_AT,
    NORRMALM,
    OPENED,
    answer,
    at,
    open_reminder_round,
    reminder_rows,
    update_contact,
)

KIM = "kim.exempelsson@example.se"


def _row_for(engine, recipient):
    return next(r for r in reminder_rows(engine) if r.recipient == recipient)


def test_an_email_reminder_carries_the_next_open_question_and_its_reply_token(engine):
    open_reminder_round(engine)
    answer(engine, OPENED, NORRMALM, range(1, 7))
    sweep(engine, at(LADDER_AT["-3"]))
    row = _row_for(engine, KIM)
    assert (row.channel, row.kind, row.template) == ("email", "reminder", "reminder")
    assert row.question_number == 7 and row.question_id == row.data["question_id"]
    assert row.data["remaining"] == 3
    assert [q["number"] for q in row.data["remaining_questions"]] == [7, 8, 9]
    with transaction(engine) as session:
        token = session.exec(select(Token).where(
            Token.token_hash == hash_token(live_data(row)["reply_token"]))).one()
    assert (token.purpose, token.question_id) == ("reply", row.question_id)
    text = render("email/reminder.txt.j2", "sv", row.data)
    assert "3 av 9 frågor återstår:\n- 7." in text
    assert "Sista dag är onsdag 13 januari kl. 17." in text
    assert "Fråga 7 av 9" in text


def test_a_telegram_reminder_goes_to_the_chat_and_says_how_to_continue(engine):
    open_reminder_round(engine)
    update_contact(engine, KIM, telegram_chat_id=99, language="en")
    answer(engine, OPENED, NORRMALM, range(1, 7))
    sweep(engine, at(LADDER_AT["+1"]))
    row = _row_for(engine, "99")
    assert (row.channel, row.language) == ("telegram", "en")
    text = render("telegram/reminder.j2", row.language, row.data)
    assert text.startswith("<b>Overdue:</b> the deadline for Norrmalms stadsdelsnämnd")
    assert "Wednesday 13 January at 17:00" in text
    assert "3 of 9 questions are left:\n• 7." in text and "/next" in text


def test_with_every_question_answered_the_reminder_asks_to_hand_in(engine):
    open_reminder_round(engine)
    answer(engine, OPENED, NORRMALM, range(1, 10))
    sweep(engine, at(LADDER_AT["0"]))
    row = _row_for(engine, KIM)
    assert row.question_number is None and row.data["remaining"] == 0
    assert "Svara med ordet SKICKA" in render("email/reminder.txt.j2", "sv", row.data)
    subject = render("email/reminder.subject.j2", "sv", row.data).strip()
    assert subject == "Påminnelse: svaren är inte inlämnade – sista dag onsdag 13 januari kl. 17"
