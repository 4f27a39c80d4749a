"""The one clock every component asks for "now": UTC stored, Stockholm time for people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock stopped at `moment`, for tests and `--now`."""
    moment = as_utc(moment)
    return lambda: moment


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as Stockholm local time (the contract)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(UTC)


def from_db(moment: datetime | None) -> datetime | None:
    """Datetimes come back naive from SQLite; they were stored as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(STOCKHOLM)


def parse_datetime(text: str) -> datetime:
    """ISO date-time or date; without an offset it means Stockholm time. Raises ValueError."""
    cleaned = text.strip()
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"not a date-time: {text!r} (use ISO, e.g. 2027-02-15T17:00 or 2027-02-15 17:00+01:00)"
        ) from None
    return as_utc(moment)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, in Stockholm time, as people and the JSON contract read it."""
    return None if moment is None else local(from_db(moment) or moment).isoformat()
