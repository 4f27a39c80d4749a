"""A reply with only the quote gets one friendly mail asking again, never a loop."""

from __future__ import annotations

from storage.models import Answer, Inbox
from tests.support.mail import first_question, reply_to_of, rows, running, settled
from tests.support.mailkit import only_the_quote, outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_two_empty_replies_bring_one_empty_answer_mail_and_store_nothing(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        for _ in range(2):
            serve.forward(only_the_quote(invitation), reply_to_of(invitation))
        wait_until(lambda: len(rows(db_url, Inbox, Inbox.status == "processed")) == 2,
                   what="both replies processed")
        notice = wait_until(lambda: [m for m in sink.mails_to(KIM, "notice")
                                   if "bara" in m.get_body(("plain",)).get_content()],
                          what="the empty-answer mail")
        wait_until(lambda: settled(db_url), what="every mail processed and sent")
        # Nothing more can go out now: the second empty reply sends nothing.
        notices = sink.mails_to(KIM, "notice")
        assert rows(db_url, Answer) == []
        # Automatic, so an auto-reply to it is not answered again; its reply still counts.
        assert notice[0]["Auto-Submitted"] == "auto-generated"
        serve.forward(outlook_reply(notice[0], "Nu med ett riktigt svar."),
                      reply_to_of(notice[0]))
        wait_until(lambda: len(sink.mails_to(KIM, "question")) == 2, what="question 2")
    assert len(notices) == 1
    assert len(rows(db_url, Answer)) == 1
