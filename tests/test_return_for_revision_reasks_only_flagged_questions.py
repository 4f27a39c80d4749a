"""Returning answers: flags and comments stored, status returned, the contact re-asked."""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import transaction
from storage.models import ActionLog, Answer, Contact, Outbox
from tests.support.dashboard import (
    ANNA,
    DISTRICT,
    assignment,
    csrf_of,
    logged_in,
    submit_whole_form,
)
from tests.support.helpers import live_data, send


def _return(web, assignment_id, comments):
    token = csrf_of(web.get(f"/committee/{assignment_id}").text)
    data = {"csrf": token, "flag": list(comments)}
    data |= {f"comment-{qid}": text for qid, text in comments.items()}
    return web.post(f"/committee/{assignment_id}/return", data=data)


def _link_telegram(engine, chat_id):
    with transaction(engine) as session:
        contact = session.exec(select(Contact).where(
            Contact.email == "kim.exempelsson@example.se")).one()
        contact.telegram_chat_id = chat_id
        session.add(contact)


def test_return_flags_answers_and_asks_the_first_flagged_question(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    _link_telegram(engine, chat_id=4711)
    web = logged_in(engine, clock)
    clock.advance(hours=1)
    page = _return(web, assignment_id, {"lokal-samverkan": "Ge ett exempel.",
                                        "platssamverkan": "Nämn siffror."})
    assert "Skickat tillbaka: 2" in page.text
    assert assignment(engine, assignment_id).status == "returned"
    with transaction(engine) as session:
        flagged = {a.question_id: a.coordinator_comment for a in session.exec(
            select(Answer).where(Answer.assignment_id == assignment_id, Answer.needs_revision))}
        last = session.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
        log = session.exec(select(ActionLog).where(ActionLog.action == "returned")).one()
    assert flagged == {"lokal-samverkan": "Ge ett exempel.", "platssamverkan": "Nämn siffror."}
    assert last.kind == "question" and last.channel == "telegram" and last.recipient == "4711"
    assert last.question_id == "lokal-samverkan"
    assert last.data["coordinator_comment"] == "Ge ett exempel."
    assert log.actor == ANNA and log.assignment_id == assignment_id
    assert "Ge ett exempel." in web.get(f"/committee/{assignment_id}").text


def test_the_contact_is_then_asked_only_the_flagged_questions(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    _return(web, assignment_id, {"lokal-samverkan": "Mer.", "platssamverkan": "Mer."})
    send(engine, clock(), DISTRICT, "text", text="Bättre svar.")
    replies = send(engine, clock(), DISTRICT, "next")
    assert replies[0].template == "question"
    assert replies[0].question_id == "platssamverkan"


def test_a_contact_without_telegram_gets_the_question_by_mail(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    _return(web, assignment_id, {"platssamverkan": "Mer."})
    with transaction(engine) as session:
        last = session.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
    assert last.channel == "email" and last.recipient == "kim.exempelsson@example.se"
    assert last.question_id == "platssamverkan" and live_data(last)["reply_token"]


def test_returning_without_a_comment_or_a_question_changes_nothing(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    page = _return(web, assignment_id, {"lokal-samverkan": "  "})
    assert "write a comment for question 1" in page.text
    page = _return(web, assignment_id, {})
    assert "choose at least one" in page.text
    assert assignment(engine, assignment_id).status == "submitted"
