"""A round on the goal-assessment form, where every question kind is asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from intake.clock import as_utc
from intake.forms import find_form
from intake.rounds.opening import open_round
from storage.db import transaction
from storage.models import Answer, AnswerRevision
from tests.support.helpers import assignment_of

FORM_ID = "vb-malbedomning"


def open_goal_round(engine: Engine, now: datetime, period: str = "2026 VB",
                    deadline: datetime | None = None) -> None:
    deadline = deadline or as_utc(datetime(2027, 2, 15, 17, 0))
    with transaction(engine) as session:
        open_round(session, find_form(FORM_ID), period, deadline, now)


def stored(session: Session, committee: str) -> dict[str, tuple[str, object]]:
    """question id -> (current text, value) of the committee's latest assignment."""
    latest = assignment_of(session, committee)
    rows = session.exec(
        select(Answer.question_id, AnswerRevision.text, AnswerRevision.value)
        .join(AnswerRevision, col(AnswerRevision.id) == col(Answer.current_revision_id))
        .where(Answer.assignment_id == latest.id)).all()
    return {question: (text, value) for question, text, value in rows}
