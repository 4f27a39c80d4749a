"""Typed answers as plain functions: what each kind accepts, and why a misfit is refused."""

from __future__ import annotations

import pytest

from intake.conversation.answers import Misfit, fits, number_text, parse
from intake.forms import Option, Question

CHOICE = Question(id="c", text="Bedömning?", kind="choice", options=(
    Option(id="helt", label="Helt uppfyllt", label_en="Fully met"),
    Option(id="delvis", label="Delvis uppfyllt", label_en="Partly met"),
    Option(id="inte", label="Inte uppfyllt", label_en="Not met")))
NUMBER = Question(id="n", text="Antal?", kind="number", unit="st", integer=True, min=0,
                  max=100_000)
DECIMAL = Question(id="d", text="Dagar?", kind="number", unit="dagar")
YESNO = Question(id="y", text="Finns?", kind="yesno")
DATE = Question(id="t", text="När?", kind="date")


@pytest.mark.parametrize("text, value", [
    ("Helt uppfyllt", "helt"), ("  delvis   UPPFYLLT. ", "delvis"), ("3", "inte"),
    ("Partly met", "delvis"), ("2.", "delvis")])
def test_a_choice_is_an_options_label_or_its_number(text, value):
    parsed = parse(CHOICE, text)
    assert parsed.value == value
    assert parsed.text == CHOICE.option(value).label  # the report shows the Swedish label


@pytest.mark.parametrize("text", ["4", "0", "Helt", "uppfyllt helt", "helt-uppfyllt"])
def test_anything_else_is_not_a_choice(text):
    with pytest.raises(Misfit) as refused:
        parse(CHOICE, text)
    assert refused.value.reason == "choice" and refused.value.details["count"] == 3


@pytest.mark.parametrize("text, value", [
    ("ja", True), ("Nej", False), ("YES", True), ("no.", False), (" Ja! ", True)])
def test_yes_and_no_in_both_languages(text, value):
    assert parse(YESNO, text).value is value


@pytest.mark.parametrize("text", ["kanske", "j", "ja tack", "1"])
def test_anything_else_is_not_yes_or_no(text):
    with pytest.raises(Misfit, match="yesno"):
        parse(YESNO, text)


@pytest.mark.parametrize("text, value, shown", [
    ("1250", 1250, "1 250 st"), ("1 250", 1250, "1 250 st"), ("1\u00a0250 st", 1250, "1 250 st"),
    ("12\u202f500 ST", 12500, "12 500 st"), ("0", 0, "0 st"), ("42,0", 42, "42 st")])
def test_whole_numbers_with_swedish_spaces_and_the_unit_optional(text, value, shown):
    parsed = parse(NUMBER, text)
    assert parsed.value == value and isinstance(parsed.value, int) and parsed.text == shown


@pytest.mark.parametrize("text, value, shown", [
    ("12,5", 12.5, "12,5 dagar"), ("12.5 dagar", 12.5, "12,5 dagar"),
    ("1 234,75", 1234.75, "1 234,75 dagar")])
def test_decimals_with_a_comma_or_a_point(text, value, shown):
    parsed = parse(DECIMAL, text)
    assert parsed.value == value and parsed.text == shown


@pytest.mark.parametrize("question, text, reason", [
    (NUMBER, "många", "number"), (NUMBER, "12 kr", "number"), (NUMBER, "1 25", "number"),
    (NUMBER, "12,5", "not_integer"), (NUMBER, "-1", "below_min"),
    (NUMBER, "100 001", "above_max"), (DECIMAL, "ca 12", "number")])
def test_numbers_that_do_not_fit_say_why(question, text, reason):
    with pytest.raises(Misfit) as refused:
        parse(question, text)
    assert refused.value.reason == reason


def test_a_limit_is_shown_in_swedish_notation():
    with pytest.raises(Misfit) as refused:
        parse(NUMBER, "200000")
    assert refused.value.details["shown_max"] == "100 000"
    assert number_text(1250.5) == "1 250,5" and number_text(-3) == "-3"


@pytest.mark.parametrize("text", [
    "2026-03-15", "15 mars 2026", "15 March 2026", "15 MARS 2026.", "15 mar 2026"])
def test_a_date_as_iso_or_in_words(text):
    parsed = parse(DATE, text)
    assert parsed.value == "2026-03-15" and parsed.text == "2026-03-15"


@pytest.mark.parametrize("text, reason", [
    ("2026-02-30", "no_date"), ("31 april 2026", "no_date"), ("i mars", "date"),
    ("15/3 2026", "date"), ("15 marsipan 2026", "date")])
def test_dates_that_do_not_fit_say_why(text, reason):
    with pytest.raises(Misfit) as refused:
        parse(DATE, text)
    assert refused.value.reason == reason


def test_a_text_question_keeps_the_text_and_has_no_value():
    question = Question(id="x", text="Beskriv.")
    assert parse(question, "Fritt svar, 12 st.").value is None


def test_a_stored_value_still_fits_only_the_question_as_it_is_now():
    assert fits(CHOICE, "delvis") and not fits(CHOICE, "borttaget")
    assert fits(NUMBER, 12) and not fits(NUMBER, 12.5) and not fits(NUMBER, -1)
    assert fits(YESNO, False) and not fits(YESNO, "ja")
    assert fits(DATE, "2026-03-15") and not fits(NUMBER, True)
