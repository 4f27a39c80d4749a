"""The deadline is written out the way a person says it, in Stockholm time."""

from datetime import UTC, datetime

import pytest

from intake.rounds.calendar import STOCKHOLM, deadline_in_words


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("deadline", "swedish", "english"),
    [
        (local(2023, 1, 20, 17, 0), "fredag 20 januari kl. 17", "Friday 20 January at 17:00"),
        (local(2023, 1, 20, 17, 30), "fredag 20 januari kl. 17.30", "Friday 20 January at 17:30"),
        (local(2023, 5, 1, 9, 5), "måndag 1 maj kl. 9.05", "Monday 1 May at 09:05"),
        (local(2023, 12, 31, 23, 59), "söndag 31 december kl. 23.59",
         "Sunday 31 December at 23:59"),
        (local(2023, 8, 16, 12, 0), "onsdag 16 augusti kl. 12", "Wednesday 16 August at 12:00"),
    ],
)  # fmt: skip
def test_deadline_in_swedish_and_english(deadline: datetime, swedish: str, english: str) -> None:
    assert deadline_in_words(deadline, "sv") == swedish
    assert deadline_in_words(deadline, "en") == english


def test_a_utc_deadline_is_told_in_stockholm_time() -> None:
    # 16:00 UTC in winter and 15:05 UTC in summer are 17:00 and 17:05 in Stockholm.
    assert deadline_in_words(datetime(2023, 1, 20, 16, 0, tzinfo=UTC), "sv") == (
        "fredag 20 januari kl. 17"
    )
    assert deadline_in_words(datetime(2023, 6, 16, 15, 5, tzinfo=UTC), "sv") == (
        "fredag 16 juni kl. 17.05"
    )
    # 23:30 UTC on a Friday is already Saturday in Stockholm.
    assert deadline_in_words(datetime(2023, 1, 20, 23, 30, tzinfo=UTC), "en") == (
        "Saturday 21 January at 00:30"
    )


def test_regional_language_tags_are_understood() -> None:
    deadline = local(2023, 1, 20, 17, 0)
    assert deadline_in_words(deadline, "sv-SE") == "fredag 20 januari kl. 17"
    assert deadline_in_words(deadline, "en_GB") == "Friday 20 January at 17:00"


def test_an_unknown_language_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="'fi'"):
        deadline_in_words(local(2023, 1, 20, 17, 0), "fi")
