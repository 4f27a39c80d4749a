"""A delivery report to bounce+<token> marks that contact's address failing, answers nothing."""

from __future__ import annotations

from storage.models import ActionLog, Answer, Contact, Inbox
from tests.support.mail import first_question, rows, running, settled
from tests.support.mailkit import delivery_report
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_a_non_delivery_report_with_an_empty_sender_marks_the_address_failing(
        db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        bounce_to = str(invitation["Return-Path"]).strip("<>")
        assert bounce_to.startswith("bounce+")
        serve.forward(delivery_report(invitation), bounce_to, mail_from="")
        row = wait_until(lambda: rows(db_url, Inbox, Inbox.status == "bounce"), what="bounce")[0]
        wait_until(lambda: settled(db_url), what="every mail processed and sent")
        # Nothing more can go out now: a bounce is never answered.
        sent = len(sink.mails_to(KIM))
    assert row.envelope_from in ("", "<>")  # MAIL FROM:<>, as aiosmtpd reports it
    kim = rows(db_url, Contact, Contact.email == KIM)[0]
    assert kim.email_failing_at is not None and "5.1.1" in (kim.email_failure or "")
    logged = rows(db_url, ActionLog, ActionLog.action == "email_failing")
    assert [entry.detail["contact"] for entry in logged] == [KIM]
    assert rows(db_url, Answer) == []
    assert sent == 1  # only the invitation: a bounce is never answered
