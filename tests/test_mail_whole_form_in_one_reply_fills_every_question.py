"""A whole form in one mail: asked for by reply, answered inline in Outlook, every answer saved."""

from __future__ import annotations

from storage.models import Answer, AnswerRevision, Token
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import answered_inline, outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def _answer(number: int) -> str:
    return f"Svar på fråga {number}: vi har\n- träffat företag\n- följt upp \"lotsen\" ({number})"


def test_a_contact_answers_the_whole_form_in_one_outlook_reply_and_submits(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        assert "HELA FORMULÄRET" in invitation.get_body(("plain",)).get_content()
        serve.forward(outlook_reply(invitation, "HELA FORMULÄRET"), reply_to_of(invitation))
        form = wait_until(lambda: [m for m in sink.mails_to(KIM, "notice")
                                 if m["Subject"].startswith("Hela formuläret")],
                        what="the whole-form mail")[0]
        total = int(sink.mails_to(KIM, "question")[0]["Subject"].split()[3].rstrip(":"))
        answers = {n: _answer(n) for n in range(1, total + 1)}
        # Outlook: the contact types under each question in the quoted mail, signs on top.
        reply = outlook_reply(form, "", quoted=answered_inline(form, answers))
        serve.forward(reply, reply_to_of(form))
        summary = wait_until(lambda: sink.mails_to(KIM, "summary"), what="the summary")[0]
        result = sink.mails_to(KIM, "receipt")[0].get_body(("plain",)).get_content()
        serve.forward(outlook_reply(summary, "SKICKA"), reply_to_of(summary))
        wait_until(lambda: len(sink.mails_to(KIM, "receipt")) == 2, what="the submission receipt")
    assert "Sparade svar på fråga 1, 2" in result and "inte placera" not in result
    whole = [t for t in rows(db_url, Token) if t.question_id == "*"]
    assert whole, "the whole-form mail's reply token names the whole form"
    revisions = {r.id: r.text for r in rows(db_url, AnswerRevision)}
    stored = {a.question_id: revisions[a.current_revision_id] for a in rows(db_url, Answer)}
    assert sorted(stored.values()) == sorted(answers.values())
    assert not any(a.flagged for a in rows(db_url, Answer))
