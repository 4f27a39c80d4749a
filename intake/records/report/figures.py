"""The consolidated report's "Resultat i siffror": the summary's figures as neutral views.

Every figure comes from `intake.records.summary` (the same counting as `intake summary`),
so the report can never say something the answers do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intake.conversation.answers import YESNO_TEXT, number_text
from intake.forms import Form, Question
from intake.records.report.model import PeriodReport
from intake.records.summary import answer_of, choosers, summarise

HEADING = "Resultat i siffror"
ANCHOR = "resultat"
TYPED = ("choice", "number", "yesno", "date")
NUMBER_LABELS = (("sum", "Summa"), ("min", "Lägsta"), ("median", "Median"), ("max", "Högsta"))


@dataclass(frozen=True)
class CountRow:
    label: str  # "Helt uppfyllt"
    count: str  # "18 av 29"
    committees: str  # the committees that chose it, comma-separated, or "–"


@dataclass(frozen=True)
class QuestionFigures:
    id: str
    text: str
    answered: str  # "Besvarad av 27 av 29"
    lines: tuple[str, ...]  # "Helt uppfyllt: 18 av 29", one an option (choice, yes/no)
    rows: tuple[CountRow, ...]  # the same per option, with the committees (choice, yes/no)
    numbers: tuple[tuple[str, str], ...]  # ("Summa", "1 250 st") ... (number)


@dataclass(frozen=True)
class SectionFigures:
    heading: str
    questions: tuple[QuestionFigures, ...]


@dataclass(frozen=True)
class Matrix:
    """Committees × focus areas: each committee's choice per area, "–" where none."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class FiguresView:
    submitted: str  # "26 av 29 har lämnat in"
    missing: tuple[str, ...]
    matrix: Matrix | None
    sections: tuple[SectionFigures, ...]


def has_figures(form: Form) -> bool:
    return any(q.kind in TYPED for q in form.all_questions())


def figures_view(report: PeriodReport, section_heading: Any) -> FiguresView | None:
    """The chapter's content, or None for a form of text questions only."""
    form = report.form
    if not has_figures(form):
        return None
    summary = summarise(form, report.period, report.committees)
    by_id = {q["question_id"]: q for q in summary["questions"]}
    sections = []
    for section in form.sections:
        typed = [q for q in section.questions if q.kind in TYPED and _asked(q, report)]
        if typed:
            sections.append(SectionFigures(
                section_heading(section.number, section.title),
                tuple(_question(q, by_id[q.id], report) for q in typed)))
    return FiguresView(
        submitted=f"{summary['submitted']} av {summary['committees']} har lämnat in",
        missing=tuple(summary["missing"]),
        matrix=_matrix(form, report, section_heading),
        sections=tuple(sections),
    )


def _asked(question: Question, report: PeriodReport) -> bool:
    return any(question.applies(c.kind) for c in report.committees)


def _question(question: Question, figures: dict[str, Any], report: PeriodReport) -> QuestionFigures:
    asked = sum(question.applies(c.kind) for c in report.committees)
    rows: list[CountRow] = []
    numbers: tuple[tuple[str, str], ...] = ()
    if question.kind in ("choice", "yesno"):
        who = choosers(question, report.committees)
        labels = [(o.id, o.label) for o in question.options] if question.kind == "choice" \
            else [("yes", YESNO_TEXT[True]), ("no", YESNO_TEXT[False])]
        rows = [CountRow(label, f"{figures['counts'][key]} av {asked}",
                         ", ".join(who.get(key, [])) or "–") for key, label in labels]
    elif question.kind == "number":
        numbers = tuple((label, _amount(figures[key], figures["unit"]))
                        for key, label in NUMBER_LABELS)
    elif question.kind == "date":
        dates = sorted(v for v in (answer_of(question, c) for c in report.committees) if v)
        numbers = (("Tidigast", dates[0]), ("Senast", dates[-1])) if dates else \
            (("Tidigast", "–"), ("Senast", "–"))
    return QuestionFigures(
        id=question.id, text=question.text,
        answered=f"Besvarad av {figures['answered']} av {asked}",
        lines=tuple(f"{row.label}: {row.count}" for row in rows),
        rows=tuple(rows), numbers=numbers)


def _amount(value: int | float | None, unit: str | None) -> str:
    if value is None:
        return "–"
    return f"{number_text(value)} {unit}" if unit else number_text(value)


def _matrix(form: Form, report: PeriodReport, section_heading: Any) -> Matrix | None:
    columns: list[tuple[str, Question]] = []
    for section in form.sections:
        choices = [q for q in section.questions if q.kind == "choice" and _asked(q, report)]
        heading = section_heading(section.number, section.title)
        columns += [(heading if len(choices) == 1 else f"{heading}: {q.short_text()}", q)
                    for q in choices]
    if not columns:
        return None
    rows = []
    for committee in report.committees:
        cells = []
        for _, question in columns:
            value = answer_of(question, committee) if question.applies(committee.kind) else None
            option = question.option(value) if isinstance(value, str) else None
            cells.append(option.label if option else "–")
        rows.append((committee.committee, tuple(cells)))
    return Matrix(tuple(heading for heading, _ in columns), tuple(rows))
