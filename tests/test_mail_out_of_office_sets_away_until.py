"""An out-of-office reply records nothing and tells when the contact is back."""

from __future__ import annotations

from datetime import date

from storage.models import ActionLog, Answer, Contact, Inbox
from tests.support.mail import first_question, rows, running
from tests.support.mailkit import out_of_office
from tests.support.waiting import wait_until


def test_an_exchange_out_of_office_reply_sets_away_until_and_is_not_answered(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        bounce_address = str(invitation["Return-Path"]).strip("<>")
        assert bounce_address.startswith("bounce+")
        auto = out_of_office(invitation, "Kim Exempelsson <kim.exempelsson@example.se>",
                             "12 januari 2027")
        serve.forward(auto, bounce_address, mail_from="")
        wait_until(lambda: rows(db_url, Inbox, Inbox.status == "auto_reply"), what="auto-reply")
        # The round closes 30 days from now; back on 12 January 2027 is after that while
        # this test is run before mid-December 2026: the deputy then gets the form.
        late = rows(db_url, ActionLog, ActionLog.action == "contact_away_past_deadline")
        if late:
            wait_until(lambda: sink.mails_to("alex.testsson@example.se", "question"),
                       what="the form to the deputy")
    kim = rows(db_url, Contact, Contact.email == "kim.exempelsson@example.se")[0]
    assert kim.away_until == date(2027, 1, 12)
    assert rows(db_url, Answer) == []
    assert len(sink.mails_to("kim.exempelsson@example.se")) == 1  # never answered
