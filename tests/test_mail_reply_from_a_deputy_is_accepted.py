"""The committee's deputy may answer the main contact's question mail from their own address."""

from __future__ import annotations

from storage.models import AnswerRevision, Contact
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

ALEX = "alex.testsson@example.se"


def test_a_deputys_reply_is_stored_as_theirs_and_the_next_question_goes_to_them(
        db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        reply = outlook_reply(invitation, "Kim är sjuk, jag svarar: vi har startat en lots.",
                              sender="Alex Testsson <Alex.Testsson@example.se>")
        serve.forward(reply, reply_to_of(invitation), mail_from=ALEX)
        wait_until(lambda: sink.mails_to(ALEX, "question"), what="question 2 to the deputy")
    alex = rows(db_url, Contact, Contact.email == ALEX)[0]
    revision = rows(db_url, AnswerRevision)[0]
    assert revision.text == "Kim är sjuk, jag svarar: vi har startat en lots."
    assert (revision.contact_id, revision.channel) == (alex.id, "email")
