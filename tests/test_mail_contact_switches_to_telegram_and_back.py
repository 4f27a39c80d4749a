"""Questions 1-3 by mail, 4-5 in the Telegram chat, then back to mail: every answer is kept."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.db import make_engine
from storage.models import Answer, AnswerRevision
from tests.support.helpers import run_cli, send
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"
NORRMALM = "Norrmalms stadsdelsnämnd"


def test_answers_from_mail_and_chat_are_all_kept_and_mail_asks_on_after_the_switch(
        db_url, tmp_path, cli_env):
    with running(db_url, tmp_path) as (serve, sink):
        mail = first_question(sink)
        for number in (1, 2, 3):
            assert mail["X-Intake-Question"] == str(number)
            serve.forward(outlook_reply(mail, f"Mejlsvar {number}."), reply_to_of(mail))
            mail = wait_until(lambda n=number: sink.mails_to(KIM, "question")[n:],
                              what=f"question {number + 1}")[0]
        question_3 = sink.mails_to(KIM, "question")[2]
        _answer_in_the_chat(db_url, ["Chattsvar 4.", "Chattsvar 5."])
        # Back to mail: a reply to the last question mail they have revises it, and the
        # question they stand on (6) now comes by mail too.
        serve.forward(outlook_reply(question_3, "Mejlsvar 3, rättat."), reply_to_of(question_3))
        sixth = wait_until(lambda: [m for m in sink.mails_to(KIM, "question")
                                  if m["X-Intake-Question"] == "6"], what="question 6")[0]
        serve.forward(outlook_reply(sixth, "Mejlsvar 6."), reply_to_of(sixth))
        wait_until(lambda: [m for m in sink.mails_to(KIM, "question")
                          if m["X-Intake-Question"] == "7"], what="question 7")
    revisions = {r.id: r for r in rows(db_url, AnswerRevision)}
    current = sorted((revisions[a.current_revision_id].text, revisions[
        a.current_revision_id].channel) for a in rows(db_url, Answer))
    assert current == [("Chattsvar 4.", "telegram"), ("Chattsvar 5.", "telegram"),
                       ("Mejlsvar 1.", "email"), ("Mejlsvar 2.", "email"),
                       ("Mejlsvar 3, rättat.", "email"), ("Mejlsvar 6.", "email")]
    assert "Mejlsvar 3." in {r.text for r in revisions.values()}  # the first one stays
    status = run_cli("status", "--json").json()
    norrmalm = next(a for a in status["assignments"] if a["committee"] == NORRMALM)
    assert (norrmalm["status"], norrmalm["channel"], norrmalm["answered"]) == (
        "in_progress", "email", 6)


def _answer_in_the_chat(db_url: str, texts: list[str]) -> None:
    """The engine's Telegram channel: a message is the answer, /next moves on."""
    engine = make_engine(db_url)
    for text in texts:
        send(engine, datetime.now(UTC), NORRMALM, "text", channel="telegram", text=text)
        send(engine, datetime.now(UTC), NORRMALM, "next", channel="telegram")
    engine.dispose()
