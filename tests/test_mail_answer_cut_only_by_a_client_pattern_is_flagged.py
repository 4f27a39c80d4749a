"""A reply cut only at a mail client's header pattern is stored, and flagged for a person."""

from __future__ import annotations

from storage.models import Answer, AnswerRevision
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import plain_reply
from tests.support.waiting import wait_until

ANSWER = "Nämnden har träffat tolv företag och ordnat två frukostmöten."


def test_an_answer_whose_quote_is_not_our_text_is_kept_and_flagged(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        # A phone client that quotes only its own header block, not our question's text:
        # the cut rests on the client pattern alone.
        body = (f"{ANSWER}\n\nFrån: Uppföljning <intake@svar.example.se>\n"
                "Skickat: den 24 november 2026 10:15\nTill: Kim Exempelsson\n"
                "Ämne: Uppföljning\n\n[Meddelandet har kortats]\n")
        serve.forward(plain_reply(invitation, body), reply_to_of(invitation))
        wait_until(lambda: len(sink.mails_to("kim.exempelsson@example.se", "question")) == 2,
                   what="question 2")
    answer = rows(db_url, Answer)[0]
    revision = rows(db_url, AnswerRevision, AnswerRevision.id == answer.current_revision_id)[0]
    assert revision.text == ANSWER
    assert answer.flagged and "our own text not found" in (answer.flag_reason or "")
