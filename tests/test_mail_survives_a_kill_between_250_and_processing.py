"""kill -9 of serve after 250 and before processing: the restart processes the mail once."""

from __future__ import annotations

from storage.models import AnswerRevision, Inbox
from tests.support.mail import first_question, mail_serve, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_a_stored_mail_is_processed_once_after_a_kill_and_restart(db_url, tmp_path):
    # A long worker interval, not woken by the arrival, holds serve between the stored mail
    # and its processing.
    with running(db_url, tmp_path, INTAKE_WORKER_INTERVAL="60",
                 INTAKE_INBOX_WAKE="0") as (serve, sink):
        invitation = first_question(sink)
        serve.forward(outlook_reply(invitation, "Svaret före kraschen."), reply_to_of(invitation))
        assert [r.status for r in rows(db_url, Inbox)] == ["pending"]
        serve.kill()
        again = mail_serve(db_url, tmp_path, sink, INTAKE_WORKER_INTERVAL="0.2")
        again.start()
        try:
            wait_until(lambda: len(sink.mails_to(KIM, "question")) == 2, what="question 2")
        finally:
            again.stop()
    assert [r.status for r in rows(db_url, Inbox)] == ["processed"]
    assert [r.text for r in rows(db_url, AnswerRevision)] == ["Svaret före kraschen."]
    assert len(sink.mails_to(KIM, "question")) == 2
