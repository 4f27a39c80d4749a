"""The relay goes down while replies come in; when it is back every mail goes out once."""

from __future__ import annotations

from storage.models import Outbox
from tests.support.mail import first_question, reply_to_of, rows, running, settled
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_mail_queued_while_the_relay_is_down_is_sent_once_when_it_returns(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        sink.stop()
        serve.forward(outlook_reply(invitation, "Svar medan reläet var nere."),
                      reply_to_of(invitation))
        wait_until(lambda: any(r.attempts > 0 and r.status == "pending"
                             for r in rows(db_url, Outbox)), what="a failed attempt")
        _make_retries_due(db_url)
        sink.start()
        wait_until(lambda: len(sink.mails_to(KIM, "question")) == 2, what="question 2")
        wait_until(lambda: settled(db_url), what="every mail processed and sent")
        # Nothing more can go out now: nothing goes out twice.
    assert len(sink.mails_to(KIM, "question")) == 2
    assert {r.status for r in rows(db_url, Outbox)} == {"sent"}


def _make_retries_due(db_url: str) -> None:
    """Skip the back-off wait (30 s) rather than sleep through it."""
    from sqlalchemy import update

    from storage.db import make_engine, transaction

    engine = make_engine(db_url)
    with transaction(engine) as session:
        session.exec(update(Outbox).where(Outbox.status == "pending")
                     .values(due_at=Outbox.created_at))
    engine.dispose()
