"""A reply from an address that is not the committee's is held; nothing is recorded."""

from __future__ import annotations

from storage.models import Answer, Inbox
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until


def test_a_reply_from_a_stranger_is_held_and_records_nothing(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        raw = outlook_reply(invitation, "Vi har gjort allt.",
                            sender="Okänd Person <okand.person@example.se>")
        serve.forward(raw, reply_to_of(invitation), mail_from="okand.person@example.se")
        held = wait_until(lambda: rows(db_url, Inbox, Inbox.status == "held"), what="held")
        sent_before = len(sink.received)
    assert "okand.person@example.se" in held[0].note
    assert rows(db_url, Answer) == []
    assert len(sink.received) == sent_before  # nobody is answered
