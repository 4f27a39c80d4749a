"""Reading the return date from an out-of-office text, Swedish or English.

"åter den 12 januari", "tillbaka måndag 9/1", "Jag är tillbaka 2023-01-09", "I will be back on
9 January", "returning January 9th". A date without a year is the next such date on or after
the day the reply was received. None when the text gives no date.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_LOCAL = ZoneInfo("Europe/Stockholm")
_MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2,
    "mar": 3, "mars": 3, "march": 3, "apr": 4, "april": 4, "maj": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7, "aug": 8, "augusti": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oct": 10, "oktober": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_WEEKDAYS = {
    "måndag": 0, "tisdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lördag": 5, "söndag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SUFFIX = r"(?::?e|:a|st|nd|rd|th)?"
_DATE = re.compile(
    rf"(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})"
    rf"|(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?:[/-](?P<ny>\d{{2,4}}))?"
    rf"|(?P<d>\d{{1,2}}){_SUFFIX}\.?(?:\s+of)?\s+(?P<mon>{_MONTH})\b\.?(?:,?\s+(?P<y>\d{{4}}))?"
    rf"|(?P<mon2>{_MONTH})\b\.?\s+(?P<d2>\d{{1,2}}){_SUFFIX}\b(?:,?\s+(?P<y2>\d{{4}}))?",
    re.IGNORECASE,
)
_WEEKDAY = re.compile("|".join(_WEEKDAYS), re.IGNORECASE)
# Words after which the date is the day of return, and those after which it is the last day away.
_RETURN = re.compile(
    r"\båter\b|\btillbaka\b|på plats igen|på kontoret igen|i tjänst igen|nås igen|\bback\b"
    r"|\breturn(?:s|ing)?\b|in the office again|available again|\btill\b(?!\s+och\s+med)|\buntil\b",
    re.IGNORECASE,
)
_LAST_DAY_AWAY = re.compile(
    r"till och med|t\.\s?o\.\s?m\.?|\btom\b|\bthrough\b|up to and including|to and including",
    re.IGNORECASE,
)
# After these only a range counts ("ledig 22/12–8/1"); a lone date could be the first day away.
_AWAY = re.compile(
    r"\bledig\b|semester|frånvarande|\bborta\b|\baway\b|out of (?:the )?office|on leave",
    re.IGNORECASE,
)
_RANGE = re.compile(r"\s*(?:[-–]|till|to)\s*", re.IGNORECASE)
_WINDOW = 60
_READ = 5_000


def out_of_office_return(text: str, subject: str, received: datetime) -> date | None:
    """The first day the person is back, or None when the text names no date."""
    today = (received.astimezone(_LOCAL) if received.tzinfo else received).date()
    # The return date stands in the first lines; reading no more keeps hostile mail cheap.
    for source in (text[:_READ], subject[:_READ]):
        swedish = bool(re.search(r"[åäö]|\b(?:jag|och|är|den|till)\b", source, re.IGNORECASE))
        found = _after_keyword(source, today, swedish)
        if found:
            return found
    return None


def _after_keyword(text: str, today: date, swedish: bool) -> date | None:
    keywords = sorted(
        [(m.end(), 1) for m in _LAST_DAY_AWAY.finditer(text)]
        + [(m.end(), 0) for m in _RETURN.finditer(text)]
        + [(m.end(), -1) for m in _AWAY.finditer(text)]
    )
    for end, extra_day in keywords:
        if extra_day < 0:
            found = _range_end(text[end : end + _WINDOW], today, swedish)
            if found:
                return found
            continue
        window = text[end : end + _WINDOW]
        match = _DATE.search(window)
        if match:
            first = _resolve(match, today, swedish)
            if first is None:
                continue
            return _range_end(window, today, swedish) or first + timedelta(days=extra_day)
        weekday = _WEEKDAY.search(window)
        if weekday:
            ahead = (_WEEKDAYS[weekday.group(0).lower()] - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead + extra_day)
    return None


def _range_end(window: str, today: date, swedish: bool) -> date | None:
    """'20/12–8/1' names the last day away: the day after its end is the return."""
    match = _DATE.search(window)
    first = _resolve(match, today, swedish) if match else None
    ranged = _RANGE.match(window, match.end()) if match and first else None
    second = _DATE.match(window, ranged.end()) if ranged else None
    last = _resolve(second, first, swedish) if second and first else None
    return last + timedelta(days=1) if last else None


def _resolve(match: re.Match[str], today: date, swedish: bool) -> date | None:
    g = match.groupdict()
    if g["iy"]:
        return _make(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["mon"] or g["mon2"]:
        month = _MONTHS[(g["mon"] or g["mon2"]).lower()]
        day, year = int(g["d"] or g["d2"]), g["y"] or g["y2"]
        return _make(int(year), month, day) if year else _next(today, month, day)
    a, b, year = int(g["a"]), int(g["b"]), g["ny"]
    readings = [(b, a)] if swedish else [(a, b), (b, a)]  # (month, day); English may be m/d
    found = []
    for month, day in readings:
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            found.append(_make(full, month, day))
        else:
            found.append(_next(today, month, day))
    dates = [d for d in found if d]
    # "back on 1/9" in English: the nearer of 9 January and 1 September is the likelier absence.
    return min(dates) if dates else None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1, today.year + 4):
        candidate = _make(year, month, day)
        if candidate and candidate >= today:
            return candidate
    return None
