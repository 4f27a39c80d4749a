"""The conversation engine, with no channel at all: a whole form and every rule."""

from __future__ import annotations

from sqlmodel import col, select

from intake.conversation.engine import Event, decide
from storage.db import transaction
from storage.models import Answer, AnswerRevision, Assignment
from tests.support.helpers import assignment_of, load_roster, open_test_round, send

DISTRICT = "Norrmalms stadsdelsnämnd"


def _setup(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())


def _current_text(engine, question_id):
    with transaction(engine) as session:
        assignment = assignment_of(session, DISTRICT)
        answer = session.exec(select(Answer).where(
            Answer.assignment_id == assignment.id, Answer.question_id == question_id)).one()
        return session.get(AnswerRevision, answer.current_revision_id).text, answer.state


def _revisions(engine, question_id):
    with transaction(engine) as session:
        assignment = assignment_of(session, DISTRICT)
        answer = session.exec(select(Answer).where(
            Answer.assignment_id == assignment.id, Answer.question_id == question_id)).one()
        return list(session.exec(select(AnswerRevision.text).where(
            AnswerRevision.answer_id == answer.id).order_by(col(AnswerRevision.number))))


def test_a_contact_answers_every_question_and_submits(engine, clock):
    _setup(engine, clock)
    replies = send(engine, clock(), DISTRICT, "start")
    assert replies[0].template == "question" and replies[0].data["number"] == 1
    assert replies[0].data["total"] == 9
    for number in range(1, 10):
        replies = send(engine, clock(), DISTRICT, "text", text=f"Svar på fråga {number}.")
        assert replies[0].template == "fragment_saved"
        replies = send(engine, clock(), DISTRICT, "next")
    assert replies[0].template == "summary"
    replies = send(engine, clock(), DISTRICT, "submit")
    assert replies[0].template == "confirm_submit"
    with transaction(engine) as session:
        assert assignment_of(session, DISTRICT).status == "in_progress"
    replies = send(engine, clock(), DISTRICT, "submit")
    assert replies[0].template == "receipt" and replies[0].kind == "receipt"
    with transaction(engine) as session:
        assignment = assignment_of(session, DISTRICT)
        assert assignment.status == "submitted"
        assert assignment.submitted_at is not None


def test_several_messages_make_one_answer_until_next(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    send(engine, clock(), DISTRICT, "text", text="Första stycket.")
    send(engine, clock(), DISTRICT, "text", text="Andra stycket.")
    replies = send(engine, clock(), DISTRICT, "text", text="Tredje stycket.")
    assert replies[0].data["length"] == len("Första stycket.\n\nAndra stycket.\n\nTredje stycket.")
    assert _current_text(engine, "lokal-samverkan") == (
        "Första stycket.\n\nAndra stycket.\n\nTredje stycket.", "answered")
    assert _revisions(engine, "lokal-samverkan") == [
        "Första stycket.\n\nAndra stycket.\n\nTredje stycket."]


def test_after_back_the_first_message_replaces_and_the_old_text_stays_a_revision(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    send(engine, clock(), DISTRICT, "text", text="Gammalt svar.")
    send(engine, clock(), DISTRICT, "next")
    replies = send(engine, clock(), DISTRICT, "back")
    assert replies[0].data["number"] == 1
    assert replies[0].data["current_answer"] == "Gammalt svar."
    send(engine, clock(), DISTRICT, "text", text="Nytt svar.")
    send(engine, clock(), DISTRICT, "text", text="Med ett tillägg.")
    assert _current_text(engine, "lokal-samverkan")[0] == "Nytt svar.\n\nMed ett tillägg."
    assert _revisions(engine, "lokal-samverkan") == [
        "Gammalt svar.", "Nytt svar.\n\nMed ett tillägg."]


def test_edit_opens_a_question_by_number(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    replies = send(engine, clock(), DISTRICT, "edit", question="5")
    assert replies[0].data["question_id"] == "platssamverkan"
    send(engine, clock(), DISTRICT, "text", text="Platssamverkan.")
    assert _current_text(engine, "platssamverkan")[0] == "Platssamverkan."
    replies = send(engine, clock(), DISTRICT, "edit", question="42")
    assert replies[0].template == "unknown_question"


def test_skipped_required_questions_come_back_before_submit(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    replies = send(engine, clock(), DISTRICT, "skip")
    assert replies[0].data["number"] == 2
    for _ in range(2, 9):
        send(engine, clock(), DISTRICT, "text", text="Svar.")
        replies = send(engine, clock(), DISTRICT, "next")
    # Question 9 (Övriga upplysningar) is optional; skipping it brings back question 1.
    assert replies[0].data["number"] == 9
    replies = send(engine, clock(), DISTRICT, "skip")
    assert replies[0].data["number"] == 1
    replies = send(engine, clock(), DISTRICT, "submit")
    assert [r.template for r in replies] == ["missing", "question"]
    assert [m["number"] for m in replies[0].data["missing"]] == [1]
    send(engine, clock(), DISTRICT, "text", text="Svar på ettan.")
    replies = send(engine, clock(), DISTRICT, "submit")
    assert replies[0].template == "confirm_submit"
    replies = send(engine, clock(), DISTRICT, "confirm_submit")
    assert replies[0].template == "receipt"


def test_not_applicable_answers_and_moves_on(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    replies = send(engine, clock(), DISTRICT, "not_applicable")
    assert replies[0].data["number"] == 2
    assert _current_text(engine, "lokal-samverkan") == ("Ej aktuellt", "not_applicable")


def test_same_as_last_period_copies_the_previous_rounds_answer(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock(), period="2026 T2")
    send(engine, clock(), DISTRICT, "start")
    send(engine, clock(), DISTRICT, "text", text="Förra periodens text.")
    clock.advance(days=1)
    from datetime import datetime

    from intake.clock import as_utc
    open_test_round(engine, clock(), period="2026 VB", deadline=as_utc(datetime(2027, 5, 3, 17)))
    replies = send(engine, clock(), DISTRICT, "start")
    assert replies[0].data["previous_answer"] == "Förra periodens text."
    replies = send(engine, clock(), DISTRICT, "same_as_last")
    assert replies[0].template == "copied_previous"
    assert _current_text(engine, "lokal-samverkan") == ("Förra periodens text.", "answered")
    replies = send(engine, clock(), DISTRICT, "same_as_last")
    assert replies[0].template == "no_previous"


def test_submission_needs_confirmation_and_then_locks_the_answers(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    for _ in range(8):
        send(engine, clock(), DISTRICT, "text", text="Svar.")
        send(engine, clock(), DISTRICT, "next")
    replies = send(engine, clock(), DISTRICT, "submit")
    assert replies[0].template == "confirm_submit"
    send(engine, clock(), DISTRICT, "text", text="Ändrade mig.")  # confirmation lapses
    replies = send(engine, clock(), DISTRICT, "submit")
    assert replies[0].template == "confirm_submit"
    send(engine, clock(), DISTRICT, "submit")
    replies = send(engine, clock(), DISTRICT, "text", text="Ett sent tillägg.")
    assert replies[0].template == "already_submitted"
    replies = send(engine, clock(), DISTRICT, "edit", question="1")
    assert replies[0].template == "already_submitted"
    assert send(engine, clock(), DISTRICT, "status")[0].template == "status"


def test_a_returned_assignment_reopens_only_the_flagged_questions(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    for _ in range(8):
        send(engine, clock(), DISTRICT, "text", text="Svar.")
        send(engine, clock(), DISTRICT, "next")
    send(engine, clock(), DISTRICT, "confirm_submit")
    with transaction(engine) as session:
        assignment = assignment_of(session, DISTRICT)
        answer = session.exec(select(Answer).where(
            Answer.assignment_id == assignment.id, Answer.question_id == "svart-ekonomi")).one()
        answer.needs_revision, answer.coordinator_comment = True, "Utveckla gärna."
        assignment.status = "returned"
    replies = send(engine, clock(), DISTRICT, "start")
    assert replies[0].data["question_id"] == "svart-ekonomi"
    assert replies[0].data["coordinator_comment"] == "Utveckla gärna."
    send(engine, clock(), DISTRICT, "text", text="Utvecklat svar.")
    replies = send(engine, clock(), DISTRICT, "next")
    assert replies[0].template == "summary"
    replies = send(engine, clock(), DISTRICT, "confirm_submit")
    assert replies[0].template == "receipt"


def test_an_edited_fragment_replaces_only_its_own_text(engine, clock):
    _setup(engine, clock)
    send(engine, clock(), DISTRICT, "start")
    send(engine, clock(), DISTRICT, "text", text="Ett.", source_ref="tg:1:10")
    send(engine, clock(), DISTRICT, "text", text="Två.", source_ref="tg:1:11")
    send(engine, clock(), DISTRICT, "edit_fragment", text="Två, rättat.", source_ref="tg:1:11")
    assert _current_text(engine, "lokal-samverkan")[0] == "Ett.\n\nTvå, rättat."


def test_a_mail_answer_replaces_the_named_question_and_brings_the_next(engine, clock):
    _setup(engine, clock)
    replies = send(engine, clock(), DISTRICT, "answer", channel="email",
                   question="lokal-samverkan", text="Svar via mejl.")
    assert [r.template for r in replies] == ["question"]
    assert replies[0].data["number"] == 2
    replies = send(engine, clock(), DISTRICT, "answer", channel="email",
                   question="lokal-samverkan", text="Bättre svar via mejl.")
    assert [r.template for r in replies] == ["answer_saved"]
    assert _revisions(engine, "lokal-samverkan") == ["Svar via mejl.", "Bättre svar via mejl."]
    with transaction(engine) as session:
        assignment = assignment_of(session, DISTRICT)
        assert assignment.channel == "email" and assignment.status == "in_progress"


def test_read_only_events_change_nothing(engine, clock):
    _setup(engine, clock)
    with transaction(engine) as session:
        assignment = assignment_of(session, DISTRICT)
        replies = decide(session, assignment, Event(kind="review", channel="telegram"), clock())
        assert replies[0].template == "review"
        assert session.exec(select(Assignment).where(
            Assignment.status != "not_started")).first() is None
