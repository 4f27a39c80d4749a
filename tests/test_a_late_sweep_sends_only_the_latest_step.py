"""At any instant at most one step is due: the latest that has come; missed ones are skipped."""

from datetime import UTC, datetime, time

from intake.rounds.calendar import STOCKHOLM, due_step, ladder_schedule, next_step

# Deadline Friday 20 January 2023 17:00; steps at 08:00 UTC on 11, 17, 19, 20, 23, 25 January.
SCHEDULE = ladder_schedule(
    datetime(2023, 1, 20, 17, 0, tzinfo=STOCKHOLM), (-7, -3, -1, 0, 1, 3), time(9, 0)
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nothing_is_due_before_the_first_step() -> None:
    assert due_step(SCHEDULE, utc(2023, 1, 11, 7, 59)) is None
    assert next_step(SCHEDULE, utc(2023, 1, 11, 7, 59)).name == "-7"


def test_a_step_is_due_from_its_instant_until_the_next_step() -> None:
    assert due_step(SCHEDULE, utc(2023, 1, 11, 8, 0)).name == "-7"
    assert due_step(SCHEDULE, utc(2023, 1, 17, 7, 59)).name == "-7"
    assert next_step(SCHEDULE, utc(2023, 1, 11, 8, 0)).name == "-3"


def test_a_missed_step_gives_way_to_the_next_one() -> None:
    # Nothing ran from the 16th to the 19th: "-3" was missed and only "-1" is due now.
    assert due_step(SCHEDULE, utc(2023, 1, 19, 9, 0)).name == "-1"


def test_after_the_last_step_it_stays_due_and_nothing_is_next() -> None:
    assert due_step(SCHEDULE, utc(2023, 3, 1)).name == "+3"
    assert next_step(SCHEDULE, utc(2023, 3, 1)) is None


def test_a_naive_now_means_stockholm_time() -> None:
    # 09:00 Stockholm on the 20th is the "0" step's instant.
    assert due_step(SCHEDULE, datetime(2023, 1, 20, 9, 0)).name == "0"
    assert due_step(SCHEDULE, datetime(2023, 1, 20, 8, 59)).name == "-1"
