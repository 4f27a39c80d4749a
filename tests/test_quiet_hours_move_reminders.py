"""No reminder between 18:00 and 08:00 Stockholm time or on a day off: it moves forward."""

from datetime import UTC, datetime, timedelta

import pytest

from intake.rounds.calendar import STOCKHOLM, is_working_day, next_allowed, to_local


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    "moment",
    [
        local(2023, 1, 18, 8, 0),  # the first allowed minute
        local(2023, 1, 18, 12, 34),
        local(2023, 1, 18, 17, 59, 59),  # the last allowed second
    ],
)
def test_a_moment_inside_working_hours_stays(moment: datetime) -> None:
    assert next_allowed(moment) == moment
    assert next_allowed(moment).tzinfo is UTC


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Early morning moves to 08:00 the same day (CET: 07:00 UTC).
        (local(2023, 1, 18, 7, 59), utc(2023, 1, 18, 7, 0)),
        (local(2023, 1, 18, 0, 0), utc(2023, 1, 18, 7, 0)),
        # From 18:00 it moves to the next working morning.
        (local(2023, 1, 18, 18, 0), utc(2023, 1, 19, 7, 0)),
        (local(2023, 1, 18, 23, 30), utc(2023, 1, 19, 7, 0)),
        # Friday evening and the weekend move to Monday.
        (local(2023, 1, 20, 18, 0), utc(2023, 1, 23, 7, 0)),
        (local(2023, 1, 21, 12, 0), utc(2023, 1, 23, 7, 0)),
        (local(2023, 1, 22, 7, 0), utc(2023, 1, 23, 7, 0)),
        # Easter: Thursday evening before Långfredagen moves to Tuesday (CEST: 06:00 UTC).
        (local(2023, 4, 6, 19, 0), utc(2023, 4, 11, 6, 0)),
        # Midsommarafton is a day off although it is not a public holiday.
        (local(2023, 6, 23, 10, 0), utc(2023, 6, 26, 6, 0)),
        # Julafton on a Tuesday (2024) is a day off too; so are Juldagen and Annandag jul.
        (local(2024, 12, 23, 18, 5), utc(2024, 12, 27, 7, 0)),
    ],
)
def test_quiet_moments_move_to_the_next_working_morning(
    moment: datetime, expected: datetime
) -> None:
    assert next_allowed(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Spring forward on Sunday 26 March 2023: Friday evening is CET, Monday 08:00 is CEST.
        (local(2023, 3, 24, 20, 0), utc(2023, 3, 27, 6, 0)),
        # A moment inside the skipped hour's night itself.
        (utc(2023, 3, 26, 1, 30), utc(2023, 3, 27, 6, 0)),
        # Fall back on Sunday 29 October 2023: Friday evening is CEST, Monday 08:00 is CET.
        (local(2023, 10, 27, 18, 30), utc(2023, 10, 30, 7, 0)),
        # Both 02:30s of the repeated hour.
        (utc(2023, 10, 29, 0, 30), utc(2023, 10, 30, 7, 0)),
        (utc(2023, 10, 29, 1, 30), utc(2023, 10, 30, 7, 0)),
        # Monday after the change, before 08:00 local.
        (utc(2023, 10, 30, 6, 30), utc(2023, 10, 30, 7, 0)),
        (utc(2023, 3, 27, 5, 30), utc(2023, 3, 27, 6, 0)),
    ],
)
def test_quiet_hours_follow_local_time_across_dst(moment: datetime, expected: datetime) -> None:
    assert next_allowed(moment) == expected


def test_a_naive_moment_means_stockholm_time() -> None:
    assert next_allowed(datetime(2023, 1, 18, 19, 0)) == utc(2023, 1, 19, 7, 0)


def test_every_quarter_hour_of_a_year_lands_on_the_first_allowed_moment() -> None:
    # Property check over 2023 (both DST changes): the result is allowed, never earlier than
    # the moment, unchanged when the moment was allowed, and no allowed quarter hour is
    # skipped on the way (the step before the result is either the moment or quiet).
    def allowed(moment: datetime) -> bool:
        wall = to_local(moment)
        return is_working_day(wall.date()) and 8 <= wall.hour < 18

    moment = utc(2023, 1, 1, 0, 0)
    quarter = timedelta(minutes=15)
    while moment < utc(2024, 1, 1, 0, 0):
        result = next_allowed(moment)
        assert result >= moment
        assert allowed(result)
        assert (result == moment) == allowed(moment)
        assert next_allowed(result) == result
        if result > moment:
            assert not allowed(result - quarter) or result - quarter < moment
        moment += quarter
