"""By mail, end to end: a question mail lists the options with their numbers; a reply that is
not one of them is not stored, and a question mail with the same X-Intake-Question says why;
an option's number, then a number with Swedish spaces and its unit, are stored as values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import make_engine
from storage.models import Answer, AnswerRevision
from tests.support.helpers import load_roster
from tests.support.mail import Sink, mail_serve, reply_to_of, rows
from tests.support.mailkit import outlook_reply
from tests.support.typed import open_goal_round
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def _body(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_choice_and_a_number_by_mail(db_url, tmp_path: Path):
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    load_roster(engine, now)
    open_goal_round(engine, now, deadline=now + timedelta(days=30))
    engine.dispose()
    sink = Sink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink)
    serve.start()
    try:
        questions = lambda: sink.mails_to(KIM, "question")  # noqa: E731
        first = wait_until(questions, what="the invitation")[0]
        assert "1. Helt uppfyllt\n2. Delvis uppfyllt\n3. Inte uppfyllt" in _body(first)
        serve.forward(outlook_reply(first, "Ganska bra, tycker vi"), reply_to_of(first))
        again = wait_until(lambda: questions()[1:], what="question 1 again")[0]
        assert again["X-Intake-Question"] == "1"
        assert "Svaret sparades inte: ”Ganska bra, tycker vi” är inte ett av alternativen" \
            in _body(again)
        assert not rows(db_url, Answer)
        serve.forward(outlook_reply(again, "2"), reply_to_of(again))
        second = wait_until(lambda: questions()[2:], what="question 2")[0]
        assert second["X-Intake-Question"] == "2"
        assert "Svara med ett heltal (st), lägst 0." in _body(second)
        serve.forward(outlook_reply(second, "1\u00a0250 st"), reply_to_of(second))
        wait_until(lambda: questions()[3:], what="question 3")
    finally:
        serve.stop()
        sink.stop()
    revisions = {r.id: r for r in rows(db_url, AnswerRevision)}
    stored = {a.question_id: (revisions[a.current_revision_id].text,
                              revisions[a.current_revision_id].value)
              for a in rows(db_url, Answer)}
    assert stored == {"bedomning-tillvaxt": ("Delvis uppfyllt", "delvis"),
                      "foretagskontakter": ("1 250 st", 1250)}
