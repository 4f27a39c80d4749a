"""The reminder calendar: working days, quiet hours and the ladder of steps around a deadline.

Pure functions only. "Now" is never read here: every moment is passed in, so the sweep, the
command line (`intake remind --now`) and the tests can all travel in time with one clock.

Conventions:
- Stored moments are UTC-aware datetimes; everything returned here is UTC-aware.
- A naive datetime passed in means Europe/Stockholm wall-clock time, as in the contract
  ("a date-time without a UTC offset means Europe/Stockholm time").
- Calendar decisions (which day, which hour) are made in Stockholm local time, and local times
  are built with `datetime.combine(..., tzinfo=STOCKHOLM)` rather than by adding timedeltas to
  an aware datetime, so a DST change between two steps never shifts the wall-clock hour.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")

DEFAULT_LADDER: tuple[int, ...] = (-7, -3, -1, 0, 1, 3)
DEFAULT_TIME_OF_DAY = time(9, 0)

# Reminders go out only between these local hours (08:00 inclusive, 18:00 exclusive).
QUIET_ENDS = time(8, 0)
QUIET_STARTS = time(18, 0)

# Offsets further away than about three months are almost certainly a typo (days for weeks,
# a missing minus); refusing them keeps a round from nagging people all term.
MAX_OFFSET = 60

_SV_DAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SV_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class LadderError(ValueError):
    """A reminder ladder or time of day that cannot be used; the message is one line."""


@dataclass(frozen=True)
class LadderStep:
    """One rung of the reminder ladder, resolved to an instant."""

    step: int  # working days from the deadline: negative before, 0 the deadline day, + overdue
    at: datetime  # UTC-aware
    overdue: bool  # step > 0: these also reach the coordinators
    name: str  # "-7", "0", "+1": the label used in dedupe keys and displays


# --- working days -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _days_off(year: int) -> dict[date, str]:
    """Swedish public holidays and de facto days off in `year`, date -> Swedish name.

    Sundays are handled by weekday in `is_working_day`, never through this table: `holidays`
    lists every Sunday as "Söndag" by default up to 0.106 and not from 0.107, so it is
    switched off explicitly, and any "Söndag" that slips through is dropped from the names
    (older versions name Easter Day "Påskdagen; Söndag"). The class is called directly because
    `country_holidays` forwards `include_sundays` only from 0.109. "de_facto" (the
    three eves) exists from holidays 0.88, hence the lower bound of the pin.
    """
    table = holidays.SE(
        years=year,
        categories=("public", "de_facto"),
        language="sv",
        include_sundays=False,
    )
    days: dict[date, str] = {}
    for day, names in table.items():
        real = [n for n in names.split("; ") if n.strip().lower() != "söndag"]
        if real:
            days[day] = "; ".join(real)
    return days


def holiday_name(day: date) -> str | None:
    """The Swedish name of the holiday or de facto day off on `day`, or None."""
    return _days_off(day.year).get(_as_date(day))


def is_working_day(day: date) -> bool:
    """Not Saturday, not Sunday, not a public holiday, not Midsommar-, Jul- or Nyårsafton."""
    day = _as_date(day)
    return day.weekday() < 5 and day not in _days_off(day.year)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after (n > 0) or before (n < 0) `day`; `day` itself never counts.

    n = 0 gives `day` if it is a working day, else the next working day after it.
    """
    day = _as_date(day)
    if n == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    direction = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += direction
        if is_working_day(day):
            remaining -= 1
    return day


def _as_date(day: date) -> date:
    # datetime is a subclass of date; comparing one with the date keys of the table never
    # matches, so reduce it to its calendar date first.
    return day.date() if isinstance(day, datetime) else day


# --- moments and quiet hours --------------------------------------------------------------


def to_local(moment: datetime) -> datetime:
    """`moment` as Stockholm wall-clock time; a naive datetime is taken to be Stockholm time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(STOCKHOLM)


def _at_local(day: date, clock: time) -> datetime:
    """The UTC instant of `clock` o'clock Stockholm time on `day`."""
    local = datetime.combine(day, clock.replace(tzinfo=None), tzinfo=STOCKHOLM)
    return local.astimezone(UTC)


def next_allowed(moment: datetime) -> datetime:
    """The first instant at or after `moment` when a reminder may be sent, in UTC.

    Allowed is 08:00-18:00 Stockholm time on a working day. Before 08:00 on a working day
    moves to 08:00 that day; from 18:00, or on a day off, to 08:00 on the next working day.
    The target is always 08:00 local, computed from the local date, so it stays 08:00 across
    the DST changes (which fall on Sundays, never a working day).
    """
    local = to_local(moment)
    day, clock = local.date(), local.time()
    if is_working_day(day):
        if clock < QUIET_ENDS:
            return _at_local(day, QUIET_ENDS)
        if clock < QUIET_STARTS:
            return local.astimezone(UTC)
    return _at_local(add_working_days(day, 1), QUIET_ENDS)


# --- parsing operator input ---------------------------------------------------------------

_OFFSET = re.compile(r"[+-]?[0-9]+")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def parse_ladder(text: str) -> tuple[int, ...]:
    """Parse "-7,-3,-1,0,+1,+3" into (-7, -3, -1, 0, 1, 3), sorted and without repeats.

    Raises LadderError (one line) for anything that is not a comma-separated list of whole
    working-day offsets within ±MAX_OFFSET.
    """
    # A Unicode minus sign comes along when a ladder is copied from a word processor.
    cleaned = text.replace("\u2212", "-").strip()
    if not cleaned:
        raise LadderError('reminder ladder is empty; expected offsets like "-7,-3,-1,0,+1,+3"')
    offsets = []
    for item in cleaned.split(","):
        item = item.strip()
        if not _OFFSET.fullmatch(item):
            raise LadderError(
                f"reminder ladder {text!r}: {item!r} is not a whole number of working days; "
                'expected offsets separated by commas, like "-7,-3,-1,0,+1,+3"'
            )
        offsets.append(int(item))
    return _checked(offsets)


def _checked(offsets: Sequence[int]) -> tuple[int, ...]:
    for offset in offsets:
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise LadderError(f"reminder ladder step {offset!r} is not a whole number")
        if abs(offset) > MAX_OFFSET:
            raise LadderError(
                f"reminder ladder step {step_name(offset)} is more than {MAX_OFFSET} "
                "working days from the deadline"
            )
    return tuple(sorted(set(offsets)))


def parse_time_of_day(text: str) -> time:
    """Parse "09:00" (or "9:00") into a time; raises LadderError when malformed or out of range.

    Any clock time 00:00-23:59 is accepted: one inside quiet hours is not an error, the
    schedule just moves those steps to the next allowed moment (see `ladder_schedule`).
    """
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise LadderError(f"time of day {text!r} is not HH:MM, e.g. 09:00")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise LadderError(f"time of day {text!r} is out of range 00:00-23:59")
    return time(hour, minute)


def step_name(step: int) -> str:
    """A step's label, "-7", "0" or "+1": overdue steps keep their sign, so "+1" reads as late."""
    return f"+{step}" if step > 0 else str(step)


def format_ladder(ladder: Sequence[int]) -> str:
    """The text form `parse_ladder` reads back: "-7,-3,-1,0,+1,+3"."""
    return ",".join(step_name(step) for step in ladder)


# --- the ladder around a deadline ---------------------------------------------------------


def ladder_schedule(
    deadline: datetime,
    ladder: Sequence[int] = DEFAULT_LADDER,
    time_of_day: time = DEFAULT_TIME_OF_DAY,
) -> list[LadderStep]:
    """Resolve each ladder step to the UTC instant it is due, earliest first.

    Step n is sent on the local date `add_working_days(deadline date, n)` at `time_of_day`
    Stockholm time, then moved by `next_allowed` if that falls in quiet hours.

    Choices worth knowing:
    - Step 0 is "the morning of the deadline": `time_of_day` on the deadline's date, even when
      the deadline is earlier that day (a 08:30 deadline still gets its 09:00 step), so every
      round has the same rhythm and a contact is never reminded at an odd hour.
    - A deadline on a day off moves step 0 to the next working day, and the overdue steps count
      from that day, not from the deadline's date: otherwise "0" and "+1" would land on the
      same morning (both "the first working day after a Saturday") and the contact would get
      two reminders at once. Steps before the deadline still count back from its date.
    - `overdue` is `step > 0`, decided by the ladder, not by comparing instants.
    """
    steps = _checked(ladder)
    deadline_day = to_local(deadline).date()
    first_day = add_working_days(deadline_day, 0)
    schedule = []
    for step in steps:
        day = add_working_days(first_day if step > 0 else deadline_day, step)
        at = next_allowed(_at_local(day, time_of_day))
        schedule.append(LadderStep(step=step, at=at, overdue=step > 0, name=step_name(step)))
    return schedule


def due_step(schedule: Sequence[LadderStep], now: datetime) -> LadderStep | None:
    """The step to send at `now` (if it has not been sent yet), or None before the first.

    That is the latest step whose time has come: a step that passed while nothing ran is
    still sent on the next sweep as long as the following step is not yet due, and skipped
    in favour of that one once it is, so a late sweep never sends a burst of stale reminders.
    """
    now = to_local(now)
    passed = [step for step in schedule if step.at <= now]
    return max(passed, key=lambda step: step.at) if passed else None


def next_step(schedule: Sequence[LadderStep], now: datetime) -> LadderStep | None:
    """The first step due strictly after `now`, or None when the ladder is done."""
    now = to_local(now)
    ahead = [step for step in schedule if step.at > now]
    return min(ahead, key=lambda step: step.at) if ahead else None


# --- telling people about the deadline ----------------------------------------------------


def deadline_warning(deadline: datetime) -> str | None:
    """One line for the operator when the deadline falls on a day off, else None.

    The round is still accepted; only the deadline-day reminder moves.
    """
    day = to_local(deadline).date()
    if is_working_day(day):
        return None
    reason = holiday_name(day) or _EN_DAYS[day.weekday()]
    moved = add_working_days(day, 0)
    return (
        f"warning: the deadline {_en_date(day)} is not a working day ({reason}); "
        f"the deadline-day reminder moves to {_en_date(moved)}"
    )


def deadline_in_words(deadline: datetime, language: str = "sv") -> str:
    """The deadline as a person reads it, in Stockholm time.

    "sv": "fredag 20 januari kl. 17" ("kl. 17.30" when the minutes are not zero);
    "en": "Friday 20 January at 17:00". Names come from tables here, not the locale module,
    which is process-global and often lacks Swedish on servers.
    """
    local = to_local(deadline)
    day = local.date()
    lang = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    if lang == "sv":
        clock = f"{local.hour}" if local.minute == 0 else f"{local.hour}.{local.minute:02d}"
        return f"{_SV_DAYS[day.weekday()]} {day.day} {_SV_MONTHS[day.month - 1]} kl. {clock}"
    if lang == "en":
        return f"{_en_date(day)} at {local.hour:02d}:{local.minute:02d}"
    raise ValueError(f"no words for language {language!r}; expected 'sv' or 'en'")


def _en_date(day: date) -> str:
    return f"{_EN_DAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]}"
