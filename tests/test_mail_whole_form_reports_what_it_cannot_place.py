"""A whole-form reply: what is placed is saved, what is not comes back to the contact in a mail."""

from __future__ import annotations

from storage.models import Answer, AnswerRevision
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_text_before_the_markers_and_an_unknown_marker_are_reported_not_guessed(
        db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        serve.forward(outlook_reply(invitation, "Hela formuläret, tack."),
                      reply_to_of(invitation))
        form = wait_until(lambda: [m for m in sink.mails_to(KIM, "notice")
                                 if m["Subject"].startswith("Hela formuläret")],
                        what="the whole-form mail")[0]
        top = ("Det mesta har vi redan skickat in.\n\n[2] Två nya samarbeten.\n\n"
               "[3] Ej aktuellt\n\n[42] Ett svar utan fråga.")
        serve.forward(outlook_reply(form, top), reply_to_of(form))
        report = wait_until(lambda: sink.mails_to(KIM, "receipt"), what="the report")[0]
        wait_until(lambda: len(sink.mails_to(KIM, "question")) == 2, what="the next question")
    text = report.get_body(("plain",)).get_content()
    assert report["Subject"] == "Delar av ert svar kunde inte placeras"
    assert "Sparade svar på fråga 2, 3." in text
    assert "Det mesta har vi redan skickat in." in text
    assert "[42]" in text and "Ett svar utan fråga." in text
    revisions = {r.id: r for r in rows(db_url, AnswerRevision)}
    stored = sorted((a.state, revisions[a.current_revision_id].text) for a in rows(db_url, Answer))
    assert stored == [("answered", "Två nya samarbeten."), ("not_applicable", "Ej aktuellt")]
