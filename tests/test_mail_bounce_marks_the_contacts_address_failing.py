"""A delivery report to bounce+<token> marks that contact's address failing, answers nothing."""

from __future__ import annotations

import time

from storage.models import ActionLog, Answer, Contact, Inbox
from tests.mailkit import delivery_report
from tests.mailserve import first_question, rows, running, wait_for

KIM = "kim.exempelsson@example.se"


def test_a_non_delivery_report_with_an_empty_sender_marks_the_address_failing(
        db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        bounce_to = str(invitation["Return-Path"]).strip("<>")
        assert bounce_to.startswith("bounce+")
        serve.forward(delivery_report(invitation), bounce_to, mail_from="")
        row = wait_for(lambda: rows(db_url, Inbox, Inbox.status == "bounce"), what="bounce")[0]
        time.sleep(1.5)  # a worker pass more: nothing is sent in answer to a bounce
        sent = len(sink.mails_to(KIM))
    assert row.envelope_from in ("", "<>")  # MAIL FROM:<>, as aiosmtpd reports it
    kim = rows(db_url, Contact, Contact.email == KIM)[0]
    assert kim.email_failing_at is not None and "5.1.1" in (kim.email_failure or "")
    logged = rows(db_url, ActionLog, ActionLog.action == "email_failing")
    assert [entry.detail["contact"] for entry in logged] == [KIM]
    assert rows(db_url, Answer) == []
    assert sent == 1  # only the invitation: a bounce is never answered
