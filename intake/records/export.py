"""Every current answer of a round, verbatim, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlmodel import Session, col, func, select

from intake.clock import iso
from intake.collation import committee_order
from intake.rounds.opening import round_form
from storage.models import Answer, AnswerRevision, Assignment, Committee, Round

FIELDS = ("committee", "question_id", "question", "answer", "value", "channel", "answered_at",
          "revisions", "flagged", "flag_reason")


class ExportError(ValueError):
    """Nothing to export for what was asked; one line."""


def export_rows(session: Session, round_: Round,
                committee: str | None = None) -> list[dict[str, Any]]:
    """One row per current answer, in committee order then form order."""
    form = round_form(session, round_)
    order = {q.id: i for i, q in enumerate(form.all_questions())}
    texts = {q.id: q.text for q in form.all_questions()}
    revisions = dict(session.exec(
        select(AnswerRevision.answer_id, func.count(col(AnswerRevision.id)))
        .group_by(col(AnswerRevision.answer_id))).all())
    query = (
        select(Committee, Answer, AnswerRevision)
        .join(Assignment, col(Assignment.committee_id) == col(Committee.id))
        .join(Answer, col(Answer.assignment_id) == col(Assignment.id))
        .join(AnswerRevision, col(AnswerRevision.id) == col(Answer.current_revision_id))
        .where(Assignment.round_id == round_.id)
    )
    if committee:
        names = set(session.exec(select(Committee.name).join(
            Assignment, col(Assignment.committee_id) == col(Committee.id)).where(
            Assignment.round_id == round_.id)))
        if committee not in names:
            raise ExportError(f"{committee!r} has no assignment in {round_.period}")
        query = query.where(Committee.name == committee)
    rows = []
    for com, answer, revision in session.exec(query):
        rows.append({
            "committee": com.name,
            "question_id": answer.question_id,
            "question": texts.get(answer.question_id, answer.question_id),
            "answer": revision.text,
            # The typed value (option id, number, true/false, "YYYY-MM-DD"); text has none.
            "value": revision.value if answer.state == "answered" else None,
            "channel": revision.channel,
            "answered_at": iso(revision.updated_at),
            "revisions": revisions.get(answer.id, 1),
            # Contract, second wave: the reader was unsure, or a person should look.
            "flagged": answer.flagged,
            "flag_reason": answer.flag_reason if answer.flagged else None,
            "_sort": (committee_order(com.kind, com.name), order.get(answer.question_id, 999)),
        })
    rows.sort(key=lambda r: r.pop("_sort"))
    return rows


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({**row, "value": csv_value(row.get("value"))} for row in rows)
    return buffer.getvalue()


def csv_value(value: Any) -> str:
    """The value as JSON writes it (true/false, 12.5), empty for none: one notation for both."""
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)
