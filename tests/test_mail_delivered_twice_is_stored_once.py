"""A mail delivered twice (the connection dropped after our 250) is stored and applied once."""

from __future__ import annotations

from storage.models import AnswerRevision, Inbox
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until


def test_the_same_message_id_twice_gives_one_inbox_row_and_one_answer(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        raw = outlook_reply(invitation, "Tre företagarfrukostar.")
        serve.forward(raw, reply_to_of(invitation))
        serve.forward(raw, reply_to_of(invitation))
        wait_until(lambda: rows(db_url, AnswerRevision), what="the answer")
        wait_until(lambda: len(sink.mails_to("kim.exempelsson@example.se", "question")) == 2,
                   what="the next question")
    assert len(rows(db_url, Inbox)) == 1
    assert [r.text for r in rows(db_url, AnswerRevision)] == ["Tre företagarfrukostar."]
    assert len(sink.mails_to("kim.exempelsson@example.se", "question")) == 2
