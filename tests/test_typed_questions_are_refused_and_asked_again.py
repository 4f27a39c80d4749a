"""The engine with typed questions: a fitting answer is stored as a value and the next question
comes; a misfit is not stored, the reason is given and the same question comes again."""

from __future__ import annotations

from datetime import datetime

import pytest

from intake.clock import as_utc
from intake.conversation.engine import Event, handle_event
from intake.messaging.held import assign_mail
from intake.rounds.review import ReviewError
from storage.db import transaction
from storage.models import Inbox, Outbox
from tests.support.helpers import assignment_of, load_roster, send
from tests.support.typed import open_goal_round, stored

NORRMALM = "Norrmalms stadsdelsnämnd"


def _start(engine, clock):
    load_roster(engine, clock())
    open_goal_round(engine, clock())
    send(engine, clock(), NORRMALM, "start")


def test_a_choice_typed_in_the_chat_is_stored_as_its_option_and_moves_on(engine, clock):
    _start(engine, clock)
    replies = send(engine, clock(), NORRMALM, "text", text="delvis uppfyllt")
    assert [r.template for r in replies] == ["question"]
    assert replies[0].data["question_id"] == "foretagskontakter"
    assert replies[0].data["kind"] == "number" and replies[0].data["unit"] == "st"
    with transaction(engine) as session:
        assert stored(session, NORRMALM)["bedomning-tillvaxt"] == ("Delvis uppfyllt", "delvis")


def test_a_misfit_is_not_stored_and_the_same_question_comes_with_the_reason(engine, clock):
    _start(engine, clock)
    replies = send(engine, clock(), NORRMALM, "text", text="Ganska bra")
    assert [(r.template, r.kind, r.question_number) for r in replies] == [("question", "question",
                                                                           1)]
    refusal = replies[0].data["refusal"]
    assert refusal["reason"] == "choice" and refusal["given"] == "Ganska bra"
    assert [o["label"] for o in replies[0].data["options"]] == [
        "Helt uppfyllt", "Delvis uppfyllt", "Inte uppfyllt"]
    with transaction(engine) as session:
        assert stored(session, NORRMALM) == {}
    send(engine, clock(), NORRMALM, "text", text="1")
    replies = send(engine, clock(), NORRMALM, "text", text="12,5")  # an integer question
    assert replies[0].data["refusal"]["reason"] == "not_integer"
    assert replies[0].data["question_id"] == "foretagskontakter"
    replies = send(engine, clock(), NORRMALM, "text", text="1 250 st")
    assert replies[0].data["question_id"] == "motivering-tillvaxt"
    with transaction(engine) as session:
        answers = stored(session, NORRMALM)
    assert answers == {"bedomning-tillvaxt": ("Helt uppfyllt", "helt"),
                       "foretagskontakter": ("1 250 st", 1250)}


def test_a_refused_mail_answer_brings_a_question_mail_with_the_same_number(engine, clock):
    _start(engine, clock)
    with transaction(engine) as session:
        assignment = assignment_of(session, NORRMALM)
        handle_event(session, assignment, Event("answer", "email", text="ja", question="1"),
                     clock())
        mail = session.exec(Outbox.__table__.select().order_by(Outbox.id.desc())).first()
    assert (mail.kind, mail.question_number, mail.channel) == ("question", 1, "email")
    assert mail.data["refusal"]["reason"] == "choice"


def test_free_text_questions_still_take_several_messages(engine, clock):
    _start(engine, clock)
    send(engine, clock(), NORRMALM, "text", text="Helt uppfyllt")
    send(engine, clock(), NORRMALM, "text", text="14")
    send(engine, clock(), NORRMALM, "text", text="Första stycket.")
    replies = send(engine, clock(), NORRMALM, "text", text="Andra stycket.")
    assert replies[0].template == "fragment_saved"
    with transaction(engine) as session:
        assert stored(session, NORRMALM)["motivering-tillvaxt"] == (
            "Första stycket.\n\nAndra stycket.", None)


def test_yes_no_and_a_date_by_their_buttons_and_words(engine, clock):
    _start(engine, clock)
    send(engine, clock(), NORRMALM, "edit", question="kontaktperson-utsedd")
    send(engine, clock(), NORRMALM, "answer", question="13", text="yes")  # the Ja button
    replies = send(engine, clock(), NORRMALM, "text", text="31 februari 2027")
    assert replies[0].data["refusal"]["reason"] == "no_date"
    send(engine, clock(), NORRMALM, "text", text="15 mars 2027")
    with transaction(engine) as session:
        answers = stored(session, NORRMALM)
    assert answers["kontaktperson-utsedd"] == ("Ja", True)
    assert answers["beslutsdatum"] == ("2027-03-15", "2027-03-15")


def test_an_edited_chat_answer_is_read_again(engine, clock):
    _start(engine, clock)
    send(engine, clock(), NORRMALM, "text", text="Helt uppfyllt", source_ref="tg:1:10")
    refused = send(engine, clock(), NORRMALM, "edit_fragment", text="nästan", source_ref="tg:1:10")
    assert refused[0].data["refusal"]["reason"] == "choice"
    send(engine, clock(), NORRMALM, "edit_fragment", text="Inte uppfyllt", source_ref="tg:1:10")
    with transaction(engine) as session:
        assert stored(session, NORRMALM)["bedomning-tillvaxt"] == ("Inte uppfyllt", "inte")


def test_same_as_last_period_copies_the_value(engine, clock):
    load_roster(engine, clock())
    open_goal_round(engine, clock(), period="2026 T2")
    send(engine, clock(), NORRMALM, "start")
    send(engine, clock(), NORRMALM, "text", text="Delvis uppfyllt")
    send(engine, clock(), NORRMALM, "text", text="40")
    open_goal_round(engine, clock(), period="2026 VB", deadline=as_utc(datetime(2027, 9, 1)))
    send(engine, clock(), NORRMALM, "start")
    copied = send(engine, clock(), NORRMALM, "same_as_last")
    assert copied[0].template == "copied_previous"
    send(engine, clock(), NORRMALM, "same_as_last")
    with transaction(engine) as session:
        answers = stored(session, NORRMALM)  # the new round's own answers
    assert answers["bedomning-tillvaxt"] == ("Delvis uppfyllt", "delvis")
    assert answers["foretagskontakter"] == ("40 st", 40)


def test_held_mail_assigned_to_a_typed_question_must_fit_it(engine, clock):
    _start(engine, clock)
    with transaction(engine) as session:
        row = Inbox(channel="email", external_id="held-1", raw=b"Subject: x\n\nkanske",
                    status="held", received_at=clock(), sender="okand@example.se")
        session.add(row)
        session.flush()
        held, assignment = row.id, assignment_of(session, NORRMALM).id
    with transaction(engine) as session, pytest.raises(ReviewError) as refused:
        assign_mail(session, held, assignment, "1", "kanske", "anna@example.se", clock())
    assert "does not fit question 1, a choice question (choice)" in str(refused.value)
    with transaction(engine) as session:
        assert session.get_one(Inbox, held).status == "held"
        assert stored(session, NORRMALM) == {}
        assign_mail(session, held, assignment, "1", "Helt uppfyllt", "anna@example.se", clock())
    with transaction(engine) as session:
        assert stored(session, NORRMALM)["bedomning-tillvaxt"] == ("Helt uppfyllt", "helt")
