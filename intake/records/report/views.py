"""Neutral views of a report: what every format shows, decided once, rendered four ways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake.forms import Form, Question
from intake.records.report.blocks import Block, parse_answer
from intake.records.report.changes_view import ChangesView, changes_view
from intake.records.report.figures import FiguresView, figures_view
from intake.records.report.model import (
    CHANNEL_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    AnswerEntry,
    CommitteeReport,
    PeriodReport,
    ReportError,
    local_time,
)

MARKERS = {"unanswered": "Ej besvarad", "not_applicable": "Ej aktuellt"}
_CONTACT_IDS = ("committee", "contact_name", "phone", "email")


@dataclass(frozen=True)
class AnswerView:
    state: str
    blocks: tuple[Block, ...]
    marker: str | None  # "Ej besvarad" / "Ej aktuellt", or None when answered


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str
    answer: AnswerView


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class ProvenanceRow:
    question: str
    answered_at: str
    answered_by: str
    channel: str
    revisions: str


@dataclass(frozen=True)
class CommitteeView:
    name: str
    kind: str
    contact_rows: tuple[tuple[str, str], ...]
    sections: tuple[SectionView, ...]
    closing: QuestionView | None
    provenance: tuple[ProvenanceRow, ...]


@dataclass(frozen=True)
class FormView:
    attachment_label: str | None
    title: str
    intro: str
    follow_up_heading: str
    description_heading: str
    description: str
    closing_title: str | None


def check_form(form: Form) -> None:
    """The report layout needs the follow-up text and the four contact fields."""
    if form.follow_up is None:
        raise ReportError(f"form {form.id!r} has no follow_up section, which the report needs")
    present = {field.id for field in form.contact_fields}
    for needed in _CONTACT_IDS:
        if needed not in present:
            raise ReportError(
                f"form {form.id!r} lacks the contact field {needed!r} the report needs"
            )


def form_view(form: Form, year: int) -> FormView:
    check_form(form)
    assert form.follow_up is not None
    return FormView(
        attachment_label=form.attachment_label,
        title=form.title,
        intro=form.intro,
        follow_up_heading=form.follow_up.heading.replace("{year}", str(year)),
        description_heading=form.follow_up.description_heading,
        description=form.follow_up.description,
        closing_title=form.closing.title if form.closing else None,
    )


def answer_view(entry: AnswerEntry) -> AnswerView:
    state = entry.effective_state
    if state == "answered":
        return AnswerView(state, tuple(parse_answer(entry.text or "")), None)
    return AnswerView(state, (), MARKERS[state])


def section_heading(number: int | None, title: str) -> str:
    return f"{number}. {title}" if number is not None else title


def check_answers(form: Form, committee: CommitteeReport) -> None:
    """An answer to a question the form does not have would be silently lost: refuse it."""
    known = {q.id for q in form.all_questions()}
    for question_id in committee.answers:
        if question_id not in known:
            raise ReportError(
                f"{committee.committee}: answer to {question_id!r}, which form "
                f"{form.id!r} version {form.version} does not have"
            )


def committee_view(form: Form, committee: CommitteeReport) -> CommitteeView:
    check_answers(form, committee)
    sections = []
    for section in form.sections:
        questions = tuple(
            _question_view(q, committee) for q in section.questions if q.applies(committee.kind)
        )
        if questions:  # a focus area with no question for this kind is left out
            sections.append(
                SectionView(section.id, section_heading(section.number, section.title), questions)
            )
    closing = _question_view(form.closing_question(), committee) if form.closing else None
    fields = {f.id: f.label for f in form.contact_fields}
    values = {
        "committee": committee.committee,
        "contact_name": committee.contact_name or "",
        "phone": committee.phone or "",
        "email": committee.email or "",
    }
    return CommitteeView(
        name=committee.committee,
        kind=KIND_LABELS[committee.kind],
        contact_rows=tuple((fields[i], values[i]) for i in _CONTACT_IDS),
        sections=tuple(sections),
        closing=closing,
        provenance=provenance_rows(form, committee),
    )


def _question_view(question: Question, committee: CommitteeReport) -> QuestionView:
    return QuestionView(question.id, question.text, answer_view(committee.answer(question.id)))


def format_time(moment: datetime | None) -> str:
    return local_time(moment).strftime("%Y-%m-%d %H:%M") if moment else "–"


def format_date(moment: datetime | None) -> str:
    return local_time(moment).strftime("%Y-%m-%d") if moment else "–"


def provenance_rows(form: Form, committee: CommitteeReport) -> tuple[ProvenanceRow, ...]:
    rows = []
    for question in form.questions_for(committee.kind):
        entry = committee.answer(question.id)
        rows.append(
            ProvenanceRow(
                question=question.short_text(),
                answered_at=format_time(entry.answered_at),
                answered_by=entry.answered_by or "–",
                channel=CHANNEL_LABELS.get(entry.channel or "", "–"),
                revisions=str(entry.revisions),
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class OverviewRow:
    committee: str
    kind: str
    status: str
    submitted: str
    answered: str  # "7 av 9"


@dataclass(frozen=True)
class CommitteeAnswer:
    committee: str
    answer: AnswerView


@dataclass(frozen=True)
class ConsolidatedQuestion:
    id: str
    text: str
    answers: tuple[CommitteeAnswer, ...]


@dataclass(frozen=True)
class Chapter:
    id: str
    heading: str
    questions: tuple[ConsolidatedQuestion, ...]


@dataclass(frozen=True)
class PeriodView:
    form: FormView
    period: str
    generated: str
    overview: tuple[OverviewRow, ...]
    figures: FiguresView | None  # "Resultat i siffror", for a form with typed questions
    chapters: tuple[Chapter, ...]
    closing: ConsolidatedQuestion | None
    provenance: tuple[tuple[str, tuple[ProvenanceRow, ...]], ...]
    changes: ChangesView | None = None  # `--changes`: "Förändringar sedan föregående period"


def overview_row(form: Form, committee: CommitteeReport) -> OverviewRow:
    questions = form.questions_for(committee.kind)
    answered = sum(committee.answer(q.id).effective_state != "unanswered" for q in questions)
    return OverviewRow(
        committee=committee.committee,
        kind=KIND_LABELS[committee.kind],
        status=STATUS_LABELS.get(committee.status, committee.status),
        submitted=format_date(committee.submitted_at),
        answered=f"{answered} av {len(questions)}",
    )


def _consolidated(question: Question, report: PeriodReport) -> ConsolidatedQuestion:
    answers = tuple(
        CommitteeAnswer(c.committee, answer_view(c.answer(question.id)))
        for c in report.committees
        if question.applies(c.kind)
    )
    return ConsolidatedQuestion(question.id, question.text, answers)


def period_view(report: PeriodReport) -> PeriodView:
    form = report.form
    fview = form_view(form, report.year)
    for committee in report.committees:
        check_answers(form, committee)
    chapters = []
    for section in form.sections:
        questions = tuple(
            _consolidated(q, report)
            for q in section.questions
            if any(q.applies(c.kind) for c in report.committees)
        )
        if questions:
            chapters.append(
                Chapter(section.id, section_heading(section.number, section.title), questions)
            )
    closing = _consolidated(form.closing_question(), report) if form.closing else None
    return PeriodView(
        form=fview,
        period=report.period,
        generated=format_time(report.generated_at),
        overview=tuple(overview_row(form, c) for c in report.committees),
        figures=figures_view(report, section_heading),
        chapters=tuple(chapters),
        closing=closing,
        provenance=tuple((c.committee, provenance_rows(form, c)) for c in report.committees),
        changes=changes_view(report, section_heading),
    )
