"""The figures of a round, counted from every assignment's current answers.

One function counts; `intake summary --json` prints its result and the consolidated report
shows the same dict, so a figure in the report is never typed or counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from statistics import median
from typing import Any

from sqlmodel import Session

from intake.collation import committee_order
from intake.forms import Form, Question
from intake.records.report.model import CommitteeReport
from intake.rounds.opening import round_form
from storage.models import Round

DONE = ("submitted", "approved")
YESNO_KEYS = {True: "yes", False: "no"}


def round_summary(session: Session, round_: Round) -> dict[str, Any]:
    # Imported here: the report package imports this module for its figures.
    from intake.records.report.loading import load_committees

    return summarise(round_form(session, round_), round_.period, load_committees(session, round_))


def summarise(form: Form, period: str, committees: Sequence[CommitteeReport]) -> dict[str, Any]:
    """The contract's summary: who submitted, who not, and per question its figures."""
    ordered = sorted(committees, key=lambda c: committee_order(c.kind, c.committee))
    return {
        "period": period,
        "committees": len(ordered),
        "submitted": sum(c.status in DONE for c in ordered),
        "missing": [c.committee for c in ordered if c.status not in DONE],
        "questions": [question_figures(q, ordered) for q in form.all_questions()],
    }


def answer_of(question: Question, committee: CommitteeReport) -> Any:
    """What counts for one committee: the value of a typed answer, the text of a text one."""
    entry = committee.answers.get(question.id)
    if entry is None or entry.effective_state != "answered":
        return None
    if question.kind == "text":
        return entry.text
    return entry.value


def question_figures(question: Question, committees: Sequence[CommitteeReport]) -> dict[str, Any]:
    given = [v for v in (answer_of(question, c) for c in committees) if v is not None]
    figures: dict[str, Any] = {
        "question_id": question.id, "kind": question.kind, "answered": len(given),
        "counts": None, "min": None, "max": None, "sum": None, "median": None, "unit": None,
    }
    if question.kind == "choice":
        figures["counts"] = {o.id: sum(v == o.id for v in given) for o in question.options}
    elif question.kind == "yesno":
        figures["counts"] = {key: sum(v is flag for v in given)
                             for flag, key in YESNO_KEYS.items()}
    elif question.kind == "number":
        amounts = [Decimal(str(v)) for v in given if isinstance(v, (int, float))]
        figures |= {
            "unit": question.unit,
            "sum": plain_number(sum(amounts, Decimal(0))),
            "min": plain_number(min(amounts)) if amounts else None,
            "max": plain_number(max(amounts)) if amounts else None,
            "median": plain_number(median(amounts)) if amounts else None,
        }
    return figures


def plain_number(amount: Decimal) -> int | float:
    """A JSON number: whole amounts as integers, the rest as decimals (no float drift)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def choosers(question: Question, committees: Sequence[CommitteeReport]) -> dict[Any, list[str]]:
    """Per value (option id, yes/no key), the committees that gave it, in committee order."""
    found: dict[Any, list[str]] = {}
    for committee in sorted(committees, key=lambda c: committee_order(c.kind, c.committee)):
        value = answer_of(question, committee)
        if value is not None:
            key = YESNO_KEYS[value] if question.kind == "yesno" else value
            found.setdefault(key, []).append(committee.committee)
    return found


def summary_table(data: dict[str, Any]) -> str:
    """The summary for a terminal: one line a question, then who has not submitted."""
    lines = [f"{data['period']}: {data['submitted']} of {data['committees']} submitted"]
    for q in data["questions"]:
        line = f"  {q['question_id']} ({q['kind']}): {q['answered']} answered"
        if q["counts"] is not None:
            line += "; " + ", ".join(f"{key} {count}" for key, count in q["counts"].items())
        if q["kind"] == "number" and q["answered"]:
            unit = f" {q['unit']}" if q["unit"] else ""
            line += (f"; sum {q['sum']}{unit}, min {q['min']}, median {q['median']}, "
                     f"max {q['max']}")
        lines.append(line)
    if data["missing"]:
        lines.append("not submitted: " + ", ".join(data["missing"]))
    return "\n".join(lines)
