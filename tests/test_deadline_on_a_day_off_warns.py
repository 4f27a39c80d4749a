"""A deadline on a day off is accepted with a one-line warning that its reminder moves."""

from datetime import UTC, datetime

import pytest

from intake.rounds.calendar import STOCKHOLM, deadline_warning


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("deadline", "reason", "moved_to"),
    [
        (local(2023, 1, 21, 12, 0), "Saturday", "Monday 23 January"),
        (local(2023, 1, 22, 12, 0), "Sunday", "Monday 23 January"),
        (local(2023, 6, 23, 17, 0), "Midsommarafton", "Monday 26 June"),
        (local(2024, 12, 24, 12, 0), "Julafton", "Friday 27 December"),
        (local(2023, 6, 6, 17, 0), "Nationaldagen", "Wednesday 7 June"),
    ],
)
def test_a_deadline_on_a_day_off_warns(deadline: datetime, reason: str, moved_to: str) -> None:
    warning = deadline_warning(deadline)
    assert warning is not None
    assert "\n" not in warning
    assert f"({reason})" in warning
    assert warning.endswith(f"moves to {moved_to}")


def test_a_deadline_on_a_working_day_gives_no_warning() -> None:
    assert deadline_warning(local(2023, 1, 20, 17, 0)) is None
    # Late in the evening is still the working day's deadline.
    assert deadline_warning(local(2023, 1, 20, 23, 30)) is None


def test_the_day_is_judged_in_stockholm_time() -> None:
    # Friday 23:30 UTC is Saturday 00:30 in Stockholm.
    assert deadline_warning(datetime(2023, 1, 20, 23, 30, tzinfo=UTC)) is not None
