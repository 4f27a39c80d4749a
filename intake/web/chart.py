"""Completion over time for the overview: per day, submitted committees and answered questions.

Drawn on the server as inline SVG (the pages run no scripts) by templates/web/_chart.html.j2;
this module only counts and places. The same numbers go to a table beside the picture, so
neither colour nor shape is the only way to read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from intake.clock import STOCKHOLM, as_utc, from_db, local
from intake.rounds.status import round_status
from storage.models import Answer, AnswerRevision, Assignment, Round

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28  # room for the axis labels
MAX_DAYS = 400  # a round left open for years still draws in bounded time


@dataclass(frozen=True)
class Day:
    day: date
    submitted: int
    answered: int
    submitted_share: float  # 0..1 of the committees
    answered_share: float  # 0..1 of all questions of all committees
    x: float  # the left edge of the day's bar
    mid_x: float  # the day's middle, where the line passes
    bar_y: float
    line_y: float


@dataclass
class Chart:
    days: list[Day]
    committees: int
    total: int
    opened: date
    deadline: date
    bar_width: float
    line: str  # the answered share as SVG polyline points
    gridlines: list[tuple[int, float]] = field(default_factory=list)  # (percent, y)
    ticks: list[tuple[str, float]] = field(default_factory=list)  # (date label, x)
    width: int = WIDTH
    height: int = HEIGHT
    plot_bottom: float = HEIGHT - BOTTOM
    left: int = LEFT

    @property
    def last(self) -> Day | None:
        return self.days[-1] if self.days else None


def _end_of(day: date) -> datetime:
    """The first instant after a Stockholm calendar day, in UTC."""
    return as_utc(datetime.combine(day + timedelta(days=1), time(0), tzinfo=STOCKHOLM))


def _first_answers(session: Session, round_: Round) -> list[datetime]:
    """When each answered question of the round was first answered."""
    rows = session.exec(
        select(func.min(col(AnswerRevision.created_at)))
        .join(Answer, col(Answer.id) == col(AnswerRevision.answer_id))
        .join(Assignment, col(Assignment.id) == col(Answer.assignment_id))
        .where(Assignment.round_id == round_.id, Answer.state != "skipped")
        .group_by(col(Answer.id)))
    return sorted(m for m in (from_db(r) for r in rows) if m is not None)


def _submissions(session: Session, round_: Round) -> list[datetime]:
    rows = session.exec(select(Assignment.submitted_at).where(
        Assignment.round_id == round_.id, col(Assignment.submitted_at).is_not(None)))
    return sorted(m for m in (from_db(r) for r in rows) if m is not None)


def completion_chart(session: Session, round_: Round, now: datetime) -> Chart:
    """Day by day from the opening to today (or the deadline, if that has passed)."""
    status = round_status(session, round_)
    committees = len(status)
    total = sum(s.total for s in status)
    opened = local(from_db(round_.opened_at) or now).date()
    deadline = local(from_db(round_.deadline) or now).date()
    last = max(opened, min(local(now).date(), deadline))
    last = min(last, opened + timedelta(days=MAX_DAYS))
    span = max((deadline - opened).days, (last - opened).days, 1) + 1
    answers, submissions = _first_answers(session, round_), _submissions(session, round_)

    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / span
    days = []
    day = opened
    while day <= last:
        end = _end_of(day)
        submitted = sum(1 for m in submissions if m < end)
        # The share of questions answered; a returned question stays answered (it has text).
        answered = min(sum(1 for m in answers if m < end), total)
        s_share = submitted / committees if committees else 0.0
        a_share = answered / total if total else 0.0
        left = LEFT + (day - opened).days * step
        days.append(Day(day, submitted, answered, s_share, a_share,
                        round(left + step * 0.15, 1), round(left + step / 2, 1),
                        round(TOP + plot_h * (1 - s_share), 1),
                        round(TOP + plot_h * (1 - a_share), 1)))
        day += timedelta(days=1)
    line = " ".join(f"{d.mid_x},{d.line_y}" for d in days)
    grid = [(p, round(TOP + plot_h * (1 - p / 100), 1)) for p in (0, 25, 50, 75, 100)]
    tick_days = sorted({opened, deadline, last})
    ticks = [(d.strftime("%-d/%-m"), round(LEFT + (d - opened).days * step + step / 2, 1))
             for d in tick_days]
    return Chart(days=days, committees=committees, total=total, opened=opened,
                 deadline=deadline, bar_width=round(max(step * 0.7, 1.0), 1), line=line,
                 gridlines=grid, ticks=ticks)
