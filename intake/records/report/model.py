"""The data a report is rendered from: plain frozen dataclasses the database loader fills."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from intake.collation import committee_order
from intake.forms import COMMITTEE_KINDS, Form
from intake.records.changes import Previous
from intake.xml_safe import xml_safe, xml_safe_or_none

AnswerState = Literal["answered", "not_applicable", "unanswered"]
Channel = Literal["email", "telegram"]
STOCKHOLM = ZoneInfo("Europe/Stockholm")

KIND_LABELS = {"district": "stadsdelsnämnd", "specialist": "facknämnd", "company": "bolagsstyrelse"}
STATUS_LABELS = {
    "not_started": "Ej påbörjad",
    "in_progress": "Pågående",
    "submitted": "Inskickad",
    "returned": "Återsänd för komplettering",
    "approved": "Godkänd",
}
CHANNEL_LABELS = {"email": "E-post", "telegram": "Telegram"}


class ReportError(ValueError):
    """A report that cannot be produced; the message is one line for the user."""


@dataclass(frozen=True)
class AnswerEntry:
    question_id: str
    text: str | None
    state: AnswerState = "answered"
    answered_at: datetime | None = None
    answered_by: str | None = None
    channel: Channel | None = None
    revisions: int = 0
    value: Any = None  # a typed question's value: option id, number, true/false, "YYYY-MM-DD"
    copied: bool = False  # "same as last period": last period's answer taken over as it was

    def __post_init__(self) -> None:
        # Defence in depth: an answer stored before text was cleaned on the way in must
        # still render in every format (python-docx and Typst refuse XML's forbidden chars).
        for name in ("text", "answered_by"):
            object.__setattr__(self, name, xml_safe_or_none(getattr(self, name)))

    @property
    def effective_state(self) -> AnswerState:
        # An "answered" entry with nothing but whitespace must still show as unanswered.
        if self.state == "answered" and not (self.text or "").strip():
            return "unanswered"
        return self.state


@dataclass(frozen=True)
class CommitteeReport:
    committee: str
    kind: str
    status: str
    submitted_at: datetime | None
    contact_name: str | None
    phone: str | None
    email: str | None
    answers: Mapping[str, AnswerEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "committee", xml_safe(self.committee))
        for name in ("contact_name", "phone", "email"):
            object.__setattr__(self, name, xml_safe_or_none(getattr(self, name)))

    def answer(self, question_id: str) -> AnswerEntry:
        found = self.answers.get(question_id)
        return found if found else AnswerEntry(question_id, None, "unanswered")


@dataclass(frozen=True)
class PeriodReport:
    form: Form
    period: str
    committees: Sequence[CommitteeReport]
    generated_at: datetime
    # Per committee name its previous round's answers; None: no "Förändringar" chapter.
    previous: Mapping[str, Previous] | None = None

    def __post_init__(self) -> None:
        if not re.match(r"^\d{4}", self.period):
            raise ReportError(f"period {self.period!r} does not start with a year")
        for committee in self.committees:
            if committee.kind not in COMMITTEE_KINDS:
                raise ReportError(f"committee {committee.committee!r} has unknown kind")
        # Frozen, so the sorted order is stored once here and every renderer sees the same.
        object.__setattr__(self, "committees", tuple(sorted(self.committees, key=committee_key)))

    @property
    def year(self) -> int:
        return int(self.period[:4])




def committee_key(committee: CommitteeReport) -> tuple[int, tuple[str, str]]:
    return committee_order(committee.kind, committee.committee)


def local_time(moment: datetime) -> datetime:
    """A date-time in Stockholm time; one without an offset already is (see DESIGN.md)."""
    return (
        moment.replace(tzinfo=STOCKHOLM) if moment.tzinfo is None else moment.astimezone(STOCKHOLM)
    )
