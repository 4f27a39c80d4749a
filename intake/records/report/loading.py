"""Filling the report's data classes from the database: one round, one or all committees."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from intake.clock import from_db
from intake.records.changes import Previous
from intake.records.report.model import AnswerEntry, CommitteeReport, PeriodReport, ReportError
from intake.rounds.opening import RoundError, find_round, round_form
from intake.xml_safe import xml_safe
from storage.models import Answer, AnswerRevision, Assignment, Committee, Contact, Round


def load_period_report(session: Session, period: str, generated_at: datetime,
                       committee: str | None = None, changes: bool = False) -> PeriodReport:
    """The report data of a period; `committee` narrows it to one (unknown: ReportError);
    `changes` adds each committee's previous answers for "Förändringar sedan föregående period".
    """
    try:
        round_ = find_round(session, period)
    except RoundError as exc:
        raise ReportError(str(exc)) from None
    committees = load_committees(session, round_, committee)
    previous = previous_round_answers(session, round_) if changes else None
    return PeriodReport(form=round_form(session, round_), period=round_.period,
                        committees=committees, generated_at=generated_at, previous=previous)


def load_committees(session: Session, round_: Round,
                    committee: str | None = None) -> list[CommitteeReport]:
    """Every assignment of the round with its current answers (or the one named)."""
    rows = session.exec(
        select(Assignment, Committee, Contact)
        .join(Committee, col(Committee.id) == col(Assignment.committee_id))
        .join(Contact, col(Contact.id) == col(Assignment.contact_id))
        .where(Assignment.round_id == round_.id)
    ).all()
    if committee is not None:
        rows = [row for row in rows if row[1].name == committee]
        if not rows:
            raise ReportError(f"{committee!r} has no assignment in {round_.period}")
    return [
        CommitteeReport(
            committee=com.name, kind=com.kind, status=assignment.status,
            submitted_at=from_db(assignment.submitted_at), contact_name=contact.name,
            phone=contact.phone, email=contact.email,
            answers=_answers(session, assignment.id or 0),
        )
        for assignment, com, contact in rows
    ]


def _answers(session: Session, assignment_id: int) -> dict[str, AnswerEntry]:
    counts = dict(session.exec(
        select(AnswerRevision.answer_id, func.count(col(AnswerRevision.id)))
        .join(Answer, col(Answer.id) == col(AnswerRevision.answer_id))
        .where(Answer.assignment_id == assignment_id)
        .group_by(col(AnswerRevision.answer_id))).all())
    found = session.exec(
        select(Answer, AnswerRevision, Contact.name)
        .join(AnswerRevision, col(AnswerRevision.id) == col(Answer.current_revision_id))
        .join(Contact, col(Contact.id) == col(AnswerRevision.contact_id), isouter=True)
        .where(Answer.assignment_id == assignment_id)
    ).all()
    return {
        answer.question_id: AnswerEntry(
            question_id=answer.question_id, text=revision.text,
            state="not_applicable" if answer.state == "not_applicable" else "answered",
            answered_at=from_db(revision.updated_at), answered_by=name,
            channel=revision.channel if revision.channel in ("email", "telegram") else None,
            revisions=counts.get(answer.id, 1),
            value=revision.value if answer.state == "answered" else None,
            copied=revision.kind == "same_as_last",
        )
        for answer, revision, name in found
        if answer.state != "skipped"
    }


def previous_round_answers(session: Session, round_: Round) -> dict[str, Previous]:
    """Per committee name: its answers in the latest earlier round it took part in."""
    earlier = session.exec(
        select(Committee.name, Round.period, Assignment.id)
        .join(Assignment, col(Assignment.committee_id) == col(Committee.id))
        .join(Round, col(Round.id) == col(Assignment.round_id))
        .where(Round.deadline < round_.deadline)
        .order_by(col(Round.deadline).desc())).all()
    latest: dict[str, tuple[str, int]] = {}
    for name, period, assignment_id in earlier:
        latest.setdefault(name, (period, assignment_id or 0))
    found = {}
    for name, (period, assignment_id) in latest.items():
        rows = session.exec(
            select(Answer.question_id, AnswerRevision.text)
            .join(AnswerRevision, col(AnswerRevision.id) == col(Answer.current_revision_id))
            .where(Answer.assignment_id == assignment_id, Answer.state == "answered")).all()
        # Cleaned as the current answers are: old text goes into the DOCX and PDF diffs too.
        found[name] = Previous(period, {qid: xml_safe(text) for qid, text in rows})
    return found
