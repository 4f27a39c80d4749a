"""deploy/postfix/ with a real Postfix: a reply to the reply domain is relayed to `intake
serve` and becomes the answer; a forged reply address is refused at RCPT, never bounced."""

from __future__ import annotations

import smtplib

import pytest
from sqlmodel import col

from storage.models import AnswerRevision, Inbox
from tests.support.mail import Sink, mail_serve, open_round_now, reply_to_of, rows
from tests.support.mailkit import outlook_reply
from tests.support.postfix import available, postfix
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(not available(), reason="Debian's postfix is not installed "
                                "(system-packages-test.txt lists it; make test installs it)")
ANSWER = "Företagslotsen har haft 42 ärenden under tertialet."


def _send(port: int, raw: bytes, to: str) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        return client.sendmail("kim.exempelsson@example.se", [to], raw)


def test_a_reply_relayed_by_postfix_becomes_the_answer(db_url, tmp_path):
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink)
    try:
        serve.start()
        with postfix(serve.smtp_port) as (port, maillog):
            question = wait_until(lambda: sink.mails_to("kim.exempelsson@example.se", "question"),
                                  timeout=240, what="the invitation")[0]
            address = reply_to_of(question)
            assert address.endswith("@svar.example.se")
            assert _send(port, outlook_reply(question, ANSWER), address) == {}
            wait_until(lambda: rows(db_url, AnswerRevision,
                                  col(AnswerRevision.text).contains("42 ärenden")),
                     timeout=240, what=f"the relayed answer; Postfix log:\n{maillog}")
            stored = rows(db_url, Inbox, col(Inbox.envelope_to) == address)
            assert len(stored) == 1 and b"by mx.test.example.se (Postfix)" in stored[0].raw

            forged = "svar+AAAAAAAAAAAAAAAAAAAAAAAA@svar.example.se"
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                _send(port, b"From: kim.exempelsson@example.se\r\n\r\nhej\r\n", forged)
            code = refused.value.recipients[forged][0]
            assert 450 <= code < 600  # asked intake first: refused at the door, no bounce
            assert not rows(db_url, Inbox, col(Inbox.envelope_to) == forged)
    finally:
        serve.stop()
        sink.stop()
