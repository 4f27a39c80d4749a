"""Replies "Ej aktuellt" and "Samma som förra perioden" work as the chat buttons do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from intake.clock import from_db
from storage.db import make_engine, transaction
from storage.models import Answer, AnswerRevision, Outbox, Round
from tests.support.helpers import load_roster, open_test_round, send
from tests.support.mail import Sink, mail_serve, reply_to_of, rows
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"
NORRMALM = "Norrmalms stadsdelsnämnd"
LAST_PERIOD = "Förra perioden träffade vi 40 företag i Företagslotsen."


def _last_period_then_this_one(db_url: str) -> None:
    """Last period's round with an answer to question 2, closed; then this period's round."""
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    then = now - timedelta(days=200)
    load_roster(engine, then)
    open_test_round(engine, then, period="2026 T2", deadline=then + timedelta(days=30))
    send(engine, then, NORRMALM, "answer", channel="email", question="2", text=LAST_PERIOD)
    with transaction(engine) as session:
        # That round's mail went out long ago and the round is over.
        session.exec(update(Outbox).values(status="sent"))
        session.exec(update(Round).values(closed_at=then + timedelta(days=30)))
    open_test_round(engine, now, period="2026 T3", deadline=now + timedelta(days=30))
    engine.dispose()


def test_not_applicable_and_same_as_last_period_by_mail(db_url, tmp_path: Path):
    _last_period_then_this_one(db_url)
    sink = Sink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink)
    serve.start()
    try:
        first = wait_until(lambda: sink.mails_to(KIM, "question"), what="question 1")[0]
        serve.forward(outlook_reply(first, "Ej aktuellt."), reply_to_of(first))
        second = wait_until(lambda: sink.mails_to(KIM, "question")[1:], what="question 2")[0]
        assert LAST_PERIOD in second.get_body(("plain",)).get_content()
        serve.forward(outlook_reply(second, "Samma som förra perioden"), reply_to_of(second))
        wait_until(lambda: len(sink.mails_to(KIM, "question")) == 3, what="question 3")
    finally:
        serve.stop()
        sink.stop()
    assert [m["X-Intake-Question"] for m in sink.mails_to(KIM, "question")] == ["1", "2", "3"]
    current = {r.id: r for r in rows(db_url, AnswerRevision)}
    this_period = [a for a in rows(db_url, Answer) if from_db(a.updated_at) > _recent()]
    now_answers = sorted((a.state, current[a.current_revision_id].text,
                          current[a.current_revision_id].kind) for a in this_period)
    assert now_answers == [("answered", LAST_PERIOD, "same_as_last"),
                           ("not_applicable", "Ej aktuellt", "not_applicable")]


def _recent() -> datetime:
    return datetime.now(UTC) - timedelta(days=1)
