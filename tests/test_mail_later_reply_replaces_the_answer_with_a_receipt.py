"""A second reply to a question replaces the answer, keeps the first, sends a receipt."""

from __future__ import annotations

from storage.models import Answer, AnswerRevision
from tests.support.mail import first_question, reply_to_of, rows, running, settled
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_a_later_reply_to_question_one_replaces_its_answer_and_brings_a_receipt(
        db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        serve.forward(outlook_reply(invitation, "Första versionen."), reply_to_of(invitation))
        wait_until(lambda: len(sink.mails_to(KIM, "question")) == 2, what="question 2")
        serve.forward(outlook_reply(invitation, "Rättad version, med siffror: 12 företag."),
                      reply_to_of(invitation))
        receipt = wait_until(lambda: sink.mails_to(KIM, "receipt"), what="the receipt")[0]
        wait_until(lambda: settled(db_url), what="every mail processed and sent")
        # Nothing more can go out now: question 2 is not sent again.
        questions = sink.mails_to(KIM, "question")
    assert [q["X-Intake-Question"] for q in questions] == ["1", "2"]
    assert "Rättad version" in receipt.get_body(("plain",)).get_content()
    answer = rows(db_url, Answer)[0]
    texts = {r.id: r.text for r in rows(db_url, AnswerRevision)}
    assert texts[answer.current_revision_id] == "Rättad version, med siffror: 12 företag."
    assert sorted(texts.values()) == ["Första versionen.",
                                      "Rättad version, med siffror: 12 företag."]
