"""The whole form in one mail follows the same rules for typed questions: the mail lists the
options with their numbers; in the reply, fitting answers are stored as values, a misfit is
not stored and the result mail says why, and that question is asked again."""

from __future__ import annotations

from datetime import datetime

from bot.mail.parsing import IncomingMail
from bot.mail.processing import Routed
from bot.mail.whole_form import answer_whole_form, send_whole_form
from intake.messaging.texts import render
from storage.db import transaction
from storage.models import Contact, Outbox, Token
from tests.support.helpers import assignment_of, load_roster
from tests.support.typed import open_goal_round, stored

NORRMALM = "Norrmalms stadsdelsnämnd"


def _routed(session) -> Routed:
    assignment = assignment_of(session, NORRMALM)
    contact = session.get_one(Contact, assignment.contact_id)
    token = Token(token="t" * 20, purpose="reply", assignment_id=assignment.id,
                  contact_id=contact.id, question_id="*", created_at=datetime(2026, 11, 2))
    return Routed(token, assignment, contact)


def _mail(text: str) -> IncomingMail:
    return IncomingMail(from_address="kim.exempelsson@example.se", from_name="Kim Exempelsson",
                        to_addresses=[], subject="Sv: Hela formuläret", message_id=None,
                        in_reply_to=None, references=[], date=None, text=text, html=None,
                        headers={}, content_type="text/plain")


def _last(session, template: str) -> Outbox:
    rows = session.exec(Outbox.__table__.select().where(Outbox.template == template)
                        .order_by(Outbox.id.desc()))
    return rows.first()


def test_the_whole_form_by_mail_with_typed_answers(engine, clock):
    load_roster(engine, clock())
    open_goal_round(engine, clock())
    with transaction(engine) as session:
        send_whole_form(session, _routed(session), clock())
        sent = _last(session, "whole_form")
        text = render("email/whole_form.txt.j2", "sv", dict(sent.data))
    assert "[1] Hur bedömer nämnden måluppfyllelsen inom fokusområdet?\nSvara med ett av " \
           "alternativen, med namnet eller numret:\n1. Helt uppfyllt\n2. Delvis uppfyllt\n" \
           "3. Inte uppfyllt" in text
    assert "[13] Har nämnden en utsedd kontaktperson för näringslivsfrågor?\nSvara ja eller nej." \
        in text
    reply = ("[1] 2\n\n[2] många\n\n[3] Vi träffar företag varje vecka.\n\n[13] Ja\n\n"
             "[14] 30 februari 2027\n")
    with transaction(engine) as session:
        note = answer_whole_form(session, _routed(session), _mail(reply), text, None, clock())
        result = _last(session, "whole_form_result")
        answers = stored(session, NORRMALM)
        question = _last(session, "question")
    assert note.endswith("2 refused")
    assert answers == {"bedomning-tillvaxt": ("Delvis uppfyllt", "delvis"),
                       "motivering-tillvaxt": ("Vi träffar företag varje vecka.", None),
                       "kontaktperson-utsedd": ("Ja", True)}
    assert result.data["saved"] == [1, 3, 13]
    body = render("email/whole_form_result.txt.j2", "sv", dict(result.data))
    assert "Fråga 2: Svaret sparades inte: ”många” är inte ett tal." in body
    assert "Fråga 14: Svaret sparades inte: datumet ”30 februari 2027” finns inte" in body
    assert render("email/whole_form_result.subject.j2", "sv", dict(result.data)).strip() == \
        "Några svar kunde inte sparas"
    assert question.question_number == 2 and question.kind == "question"  # asked again
