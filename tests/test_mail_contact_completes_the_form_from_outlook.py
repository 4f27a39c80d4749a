"""With `intake serve` running, a contact completes the whole bundled form by Outlook replies."""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import make_engine, transaction
from storage.models import Answer, AnswerRevision
from tests.support.helpers import run_cli
from tests.support.mail import Sink, mail_serve, open_round_now, reply_to_of
from tests.support.mailkit import outlook_reply
from tests.support.serve import Serve
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def _answer_for(number: int) -> str:
    # Paragraphs, a list and quotation marks, kept exactly as written.
    return (f"Under perioden har nämnden arbetat med fråga {number} på flera sätt.\n\n"
            f"Vi har särskilt:\n- träffat företagare\n- följt upp \"Företagslotsen\" ({number})")


def test_a_contact_answers_every_question_by_outlook_replies_and_submits(
        db_url, tmp_path, cli_env):
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink)
    serve.start()
    try:
        expected = _answer_all(serve, sink)
        summary = wait_until(lambda: sink.mails_to(KIM, "summary"), what="the summary")[-1]
        serve.forward(outlook_reply(summary, "SKICKA"), reply_to_of(summary))
        wait_until(lambda: sink.mails_to(KIM, "receipt"), what="the receipt")
    finally:
        serve.stop()
        sink.stop()
    status = run_cli("status", "--json").json()
    norrmalm = next(a for a in status["assignments"] if a["committee"].startswith("Norrmalm"))
    assert (norrmalm["status"], norrmalm["channel"]) == ("submitted", "email")
    assert norrmalm["answered"] == norrmalm["total"] == len(expected)
    assert _stored_answers(db_url) == expected


def _answer_all(serve: Serve, sink: Sink) -> dict[str, str]:
    """Reply to each question mail as it arrives; the next one follows each reply."""
    expected: dict[str, str] = {}
    for seen in range(100):
        def arrived(seen: int = seen) -> bool:
            return len(sink.mails_to(KIM, "question")) > seen or bool(
                sink.mails_to(KIM, "summary"))
        wait_until(arrived, what="the next mail")
        if sink.mails_to(KIM, "summary"):
            break  # the summary came: every question is answered
        mail = sink.mails_to(KIM, "question")[seen]
        number = int(mail["X-Intake-Question"])
        expected[str(number)] = _answer_for(number)
        serve.forward(outlook_reply(mail, expected[str(number)]), reply_to_of(mail))
    return expected


def _stored_answers(db_url: str) -> dict[str, str]:
    engine = make_engine(db_url)
    with transaction(engine) as session:
        rows = session.exec(
            select(Answer, AnswerRevision)
            .join(AnswerRevision, col(AnswerRevision.id) == col(Answer.current_revision_id))
            .order_by(col(Answer.id))).all()
        numbers = _numbers(session)
        found = {numbers[a.question_id]: r.text for a, r in rows}
        assert not any(a.flagged for a, _ in rows), [a.flag_reason for a, _ in rows]
    engine.dispose()
    return found


def _numbers(session) -> dict[str, str]:
    from intake.conversation.engine import Conversation
    from storage.models import Assignment

    assignment = session.exec(select(Assignment).where(Assignment.status == "submitted")).one()
    conv = Conversation(session, assignment, assignment.submitted_at)
    return {q.id: str(conv.number(q.id)) for q in conv.questions}
