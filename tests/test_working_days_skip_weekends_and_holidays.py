"""Working days skip weekends, Swedish public holidays and the de facto days off."""

from datetime import date, datetime

import pytest

from intake.rounds.calendar import add_working_days, holiday_name, is_working_day


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # An ordinary week: Friday + 1 is Monday, Monday - 1 is Friday.
        (date(2023, 1, 13), 1, date(2023, 1, 16)),
        (date(2023, 1, 16), -1, date(2023, 1, 13)),
        (date(2023, 1, 11), -3, date(2023, 1, 5)),  # Trettondedag jul (Fri 6 Jan) skipped
        # Easter 2023: Långfredagen 7 April, Annandag påsk 10 April.
        (date(2023, 4, 6), 1, date(2023, 4, 11)),
        (date(2023, 4, 11), -1, date(2023, 4, 6)),
        # Första maj 2023 is a Monday.
        (date(2023, 4, 28), 1, date(2023, 5, 2)),
        # Kristi himmelsfärdsdag 2023 is Thursday 18 May.
        (date(2023, 5, 17), 1, date(2023, 5, 19)),
        # Nationaldagen, Tuesday 6 June 2023.
        (date(2023, 6, 5), 1, date(2023, 6, 7)),
        # Midsommarafton, Friday 23 June 2023 (a de facto day off).
        (date(2023, 6, 22), 1, date(2023, 6, 26)),
        (date(2023, 6, 26), -1, date(2023, 6, 22)),
        # Christmas 2022: Julafton Sat, Juldagen Sun, Annandag jul Mon 26 December.
        (date(2022, 12, 23), 1, date(2022, 12, 27)),
        # New Year across the year boundary: Nyårsafton Sat, Nyårsdagen Sun.
        (date(2022, 12, 30), 1, date(2023, 1, 2)),
        (date(2023, 1, 2), -1, date(2022, 12, 30)),
        # Trettondedag jul, Friday 6 January 2023.
        (date(2023, 1, 5), 1, date(2023, 1, 9)),
        # Christmas 2023: Juldagen Mon 25, Annandag jul Tue 26 December.
        (date(2023, 12, 22), 1, date(2023, 12, 27)),
        (date(2023, 12, 22), 4, date(2024, 1, 2)),  # Nyårsdagen 2024 is a Monday
    ],
)
def test_add_working_days_skips_days_off(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_zero_keeps_a_working_day_and_rolls_a_day_off_forward() -> None:
    assert add_working_days(date(2023, 1, 18), 0) == date(2023, 1, 18)
    assert add_working_days(date(2023, 1, 21), 0) == date(2023, 1, 23)  # Saturday
    assert add_working_days(date(2023, 6, 23), 0) == date(2023, 6, 26)  # Midsommarafton
    assert add_working_days(date(2022, 12, 24), 0) == date(2022, 12, 27)  # Julafton


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 12, 24),  # Julafton on a Tuesday
        date(2024, 12, 31),  # Nyårsafton on a Tuesday
        date(2024, 6, 21),  # Midsommarafton
        date(2023, 6, 6),  # Nationaldagen
        date(2023, 5, 1),  # Första maj
        date(2023, 5, 18),  # Kristi himmelsfärdsdag
        date(2023, 4, 7),  # Långfredagen
        date(2023, 4, 10),  # Annandag påsk
        date(2023, 1, 21),  # a plain Saturday
        date(2023, 1, 22),  # a plain Sunday
    ],
)
def test_days_off_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


def test_a_year_has_the_working_days_counted_by_hand() -> None:
    # 2023: 365 days, 53 Sundays + 52 Saturdays, and nine holidays on weekdays
    # (6 Jan, 7 Apr, 10 Apr, 1 May, 18 May, 6 Jun, 23 Jun, 25 Dec, 26 Dec).
    days = [date.fromordinal(date(2023, 1, 1).toordinal() + i) for i in range(365)]
    assert sum(is_working_day(day) for day in days) == 365 - 105 - 9


def test_sundays_are_days_off_without_being_named_holidays() -> None:
    # Whatever `holidays` does with Sundays ("Söndag"), a plain Sunday is just a weekend day
    # and a holiday falling on a Sunday keeps its own name.
    assert holiday_name(date(2023, 1, 22)) is None
    assert holiday_name(date(2023, 4, 9)) == "Påskdagen"
    assert holiday_name(date(2023, 12, 24)) == "Julafton"


def test_a_datetime_counts_as_its_calendar_date() -> None:
    assert not is_working_day(datetime(2023, 6, 23, 12, 0))
    assert add_working_days(datetime(2023, 6, 22, 12, 0), 1) == date(2023, 6, 26)


def test_working_days_round_trip() -> None:
    start = date(2022, 12, 1)
    for offset in range(-60, 61):
        there = add_working_days(start, offset)
        assert is_working_day(there)
        assert add_working_days(there, -offset) == start


def test_a_holidays_version_that_lists_every_sunday_changes_nothing(monkeypatch) -> None:
    # holidays up to 0.106 lists each Sunday as "Söndag" by default; force that behaviour on
    # whichever version is installed and check the calendar is the same.
    import holidays

    from intake.rounds import calendar
    real = holidays.SE

    def with_sundays(*args, **kwargs):
        kwargs["include_sundays"] = True
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar.holidays, "SE", with_sundays)
    calendar._days_off.cache_clear()
    try:
        assert holiday_name(date(2023, 1, 22)) is None
        assert holiday_name(date(2023, 4, 9)) == "Påskdagen"
        days = [date.fromordinal(date(2023, 1, 1).toordinal() + i) for i in range(365)]
        assert sum(is_working_day(day) for day in days) == 365 - 105 - 9
    finally:
        calendar._days_off.cache_clear()
