"""The reminder ladder counts working days back from (and past) the deadline."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from intake.rounds.calendar import STOCKHOLM, LadderError, is_working_day, ladder_schedule, to_local

LADDER = (-7, -3, -1, 0, 1, 3)
NINE = time(9, 0)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def as_pairs(deadline: datetime, ladder=LADDER, clock: time = NINE) -> list[tuple[str, datetime]]:
    return [(step.name, step.at) for step in ladder_schedule(deadline, ladder, clock)]


def test_default_ladder_for_a_friday_deadline_in_winter() -> None:
    # Friday 20 January 2023 17:00; 09:00 CET is 08:00 UTC.
    schedule = ladder_schedule(local(2023, 1, 20, 17, 0), LADDER, NINE)
    assert [(s.step, s.name, s.at, s.overdue) for s in schedule] == [
        (-7, "-7", utc(2023, 1, 11, 8, 0), False),
        (-3, "-3", utc(2023, 1, 17, 8, 0), False),
        (-1, "-1", utc(2023, 1, 19, 8, 0), False),
        (0, "0", utc(2023, 1, 20, 8, 0), False),
        (1, "+1", utc(2023, 1, 23, 8, 0), True),
        (3, "+3", utc(2023, 1, 25, 8, 0), True),
    ]
    assert all(step.at.tzinfo is UTC for step in schedule)


def test_the_same_deadline_given_in_utc_gives_the_same_ladder() -> None:
    assert as_pairs(utc(2023, 1, 20, 16, 0)) == as_pairs(local(2023, 1, 20, 17, 0))


def test_a_naive_deadline_means_stockholm_time() -> None:
    assert as_pairs(datetime(2023, 1, 20, 17, 0)) == as_pairs(local(2023, 1, 20, 17, 0))


def test_deadline_just_after_easter() -> None:
    # Tuesday 11 April 2023, after Långfredagen (7th) and Annandag påsk (10th); summer time.
    assert as_pairs(local(2023, 4, 11, 17, 0)) == [
        ("-7", utc(2023, 3, 29, 7, 0)),
        ("-3", utc(2023, 4, 4, 7, 0)),
        ("-1", utc(2023, 4, 6, 7, 0)),
        ("0", utc(2023, 4, 11, 7, 0)),
        ("+1", utc(2023, 4, 12, 7, 0)),
        ("+3", utc(2023, 4, 14, 7, 0)),
    ]


def test_a_ladder_across_the_spring_dst_change_keeps_nine_local() -> None:
    # Summer time starts Sunday 26 March 2023: 09:00 is 08:00 UTC before, 07:00 UTC after.
    assert as_pairs(local(2023, 3, 29, 17, 0)) == [
        ("-7", utc(2023, 3, 20, 8, 0)),
        ("-3", utc(2023, 3, 24, 8, 0)),
        ("-1", utc(2023, 3, 28, 7, 0)),
        ("0", utc(2023, 3, 29, 7, 0)),
        ("+1", utc(2023, 3, 30, 7, 0)),
        ("+3", utc(2023, 4, 3, 7, 0)),
    ]


def test_a_ladder_across_the_autumn_dst_change_keeps_nine_local() -> None:
    # Summer time ends Sunday 29 October 2023.
    assert as_pairs(local(2023, 10, 30, 12, 0), (-1, 0)) == [
        ("-1", utc(2023, 10, 27, 7, 0)),
        ("0", utc(2023, 10, 30, 8, 0)),
    ]


def test_deadline_on_a_saturday_moves_step_zero_and_overdue_steps_follow_it() -> None:
    # Step 0 moves to Monday; "+1" counts from Monday, so the two never coincide.
    assert as_pairs(local(2023, 1, 21, 12, 0)) == [
        ("-7", utc(2023, 1, 12, 8, 0)),
        ("-3", utc(2023, 1, 18, 8, 0)),
        ("-1", utc(2023, 1, 20, 8, 0)),
        ("0", utc(2023, 1, 23, 8, 0)),
        ("+1", utc(2023, 1, 24, 8, 0)),
        ("+3", utc(2023, 1, 26, 8, 0)),
    ]


def test_deadline_on_midsommarafton() -> None:
    assert as_pairs(local(2023, 6, 23, 12, 0), (-1, 0, 1)) == [
        ("-1", utc(2023, 6, 22, 7, 0)),
        ("0", utc(2023, 6, 26, 7, 0)),
        ("+1", utc(2023, 6, 27, 7, 0)),
    ]


def test_step_zero_keeps_the_time_of_day_even_after_an_early_deadline() -> None:
    # A deadline at 08:30 still gets its deadline-day reminder at 09:00 (documented choice).
    [zero] = ladder_schedule(local(2023, 1, 20, 8, 30), (0,), NINE)
    assert zero.at == utc(2023, 1, 20, 8, 0)
    assert not zero.overdue


def test_a_time_of_day_in_quiet_hours_moves_to_the_next_allowed_moment() -> None:
    early = as_pairs(local(2023, 1, 20, 17, 0), (-1, 0), time(6, 30))
    assert early == [("-1", utc(2023, 1, 19, 7, 0)), ("0", utc(2023, 1, 20, 7, 0))]
    late = as_pairs(local(2023, 1, 20, 17, 0), (-1, 0, 1), time(19, 0))
    assert late == [
        ("-1", utc(2023, 1, 20, 7, 0)),
        ("0", utc(2023, 1, 23, 7, 0)),
        ("+1", utc(2023, 1, 24, 7, 0)),
    ]


def test_the_ladder_is_sorted_and_repeats_collapse() -> None:
    names = [step.name for step in ladder_schedule(local(2023, 1, 20, 17), (3, -1, 0, -1), NINE)]
    assert names == ["-1", "0", "+3"]


def test_every_deadline_of_a_year_gives_strictly_increasing_steps_on_working_days() -> None:
    for day_of_year in range(365):
        deadline = datetime.combine(date(2023, 1, 1) + timedelta(days=day_of_year), time(17))
        schedule = ladder_schedule(deadline, LADDER, NINE)
        moments = [step.at for step in schedule]
        assert moments == sorted(set(moments)), deadline
        assert all(is_working_day(to_local(m).date()) for m in moments)
        assert all(to_local(m).time() == NINE for m in moments)


@pytest.mark.parametrize("ladder", [(61,), (-7, -61), (1.5,), (True,)])
def test_a_ladder_out_of_range_is_refused(ladder) -> None:
    with pytest.raises(LadderError):
        ladder_schedule(local(2023, 1, 20, 17), ladder, NINE)
