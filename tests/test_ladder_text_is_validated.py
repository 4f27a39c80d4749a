"""A reminder ladder or time of day typed by an operator is checked, with one clear line."""

from datetime import time

import pytest

from intake.rounds.calendar import (
    DEFAULT_LADDER,
    LadderError,
    format_ladder,
    parse_ladder,
    parse_time_of_day,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-7,-3,-1,0,+1,+3", (-7, -3, -1, 0, 1, 3)),
        (" -7 , -3,-1 ,0, +1 , +3 ", (-7, -3, -1, 0, 1, 3)),
        ("3,-1,0", (-1, 0, 3)),  # sorted
        ("0,0,-1,-1", (-1, 0)),  # repeats collapse
        ("0", (0,)),
        ("-60,+60", (-60, 60)),  # the limits themselves
        ("\u22127,0", (-7, 0)),  # a Unicode minus copied from a document
    ],
)
def test_a_ladder_text_is_read(text: str, expected: tuple[int, ...]) -> None:
    assert parse_ladder(text) == expected


@pytest.mark.parametrize(
    "text",
    ["-7,x", "", "   ", "-7;-3", "1.5", "-7,,-3", "-7,", "1 2", "--1", "+-1", "61", "-61",
     "\u0663", "1_0", "one"],
)  # fmt: skip
def test_anything_else_is_refused_with_one_line(text: str) -> None:
    with pytest.raises(LadderError) as raised:
        parse_ladder(text)
    message = str(raised.value)
    assert message and "\n" not in message
    assert isinstance(raised.value, ValueError)


def test_the_refusal_names_the_bad_part() -> None:
    with pytest.raises(LadderError, match="'x'"):
        parse_ladder("-7,x")
    with pytest.raises(LadderError, match=r"\+61 is more than 60"):
        parse_ladder("0,61")


def test_the_default_ladder_round_trips_through_text() -> None:
    assert format_ladder(DEFAULT_LADDER) == "-7,-3,-1,0,+1,+3"
    assert parse_ladder(format_ladder(DEFAULT_LADDER)) == DEFAULT_LADDER


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00", time(9)), ("9:00", time(9)), (" 17:30 ", time(17, 30)), ("00:00", time(0)),
     ("23:59", time(23, 59))],
)  # fmt: skip
def test_a_time_of_day_is_read(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "24:00", "12:60", "9", "", "9.00", "09:00:00", "-1:00", "nine"]
)
def test_a_bad_time_of_day_is_refused_with_one_line(text: str) -> None:
    with pytest.raises(LadderError) as raised:
        parse_time_of_day(text)
    assert "\n" not in str(raised.value)
