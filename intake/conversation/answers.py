"""Reading a contact's typed answer as its question's kind: an option, a number, yes/no, a date.

Plain functions, the same for every channel: a mail reply, a chat message, a button's payload
and a whole-form block all come here as text. What fits gives the value an export carries
and the text the report shows; what does not raises `Misfit`, whose reason a template turns
into a sentence in the contact's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from intake.forms import Question

YES = ("ja", "yes")
NO = ("nej", "no")
YESNO_TEXT = {True: "Ja", False: "Nej"}
MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10,
}
# Three-letter (and "sept") abbreviations of both languages: jan, feb, mar, apr, maj/may ...
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTHS["okt"] = 10
SPACES = "[ \u00a0\u202f\u2009]"  # what separates thousands: space, no-break and thin spaces
_NUMBER = re.compile(
    rf"^(?P<sign>[-\u2212+]?)(?P<whole>\d{{1,3}}(?:{SPACES}\d{{3}})+|\d+)"
    r"(?:[.,](?P<fraction>\d+))?(?P<rest>.*)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORDS_DATE = re.compile(r"^(\d{1,2})\.?\s+([a-zåäö]+)\.?,?\s+(\d{4})$")
_END_PUNCTUATION = re.compile(r"[\s.!,;:\"'”»]+$")


@dataclass(frozen=True)
class Parsed:
    """A typed answer that fits: the value exports carry and the text the report shows."""

    value: Any  # option id, int or float, True/False, "YYYY-MM-DD"; None for a text question
    text: str


@dataclass
class Misfit(ValueError):
    """An answer that does not fit its question; `reason` picks the template's sentence."""

    reason: str  # choice | yesno | number | not_integer | below_min | above_max | date | no_date
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.reason} {self.details}" if self.details else self.reason


def normalised(text: str) -> str:
    """Case, spacing and closing punctuation ignored: " Delvis  uppfyllt. " is "delvis uppfyllt"."""
    return _END_PUNCTUATION.sub("", " ".join(text.split()).casefold())


def parse(question: Question, text: str) -> Parsed:
    """The answer `text` read as `question`'s kind; raise Misfit when it does not fit."""
    if question.kind == "text":
        return Parsed(None, text)
    readers = {"choice": parse_choice, "yesno": parse_yesno, "number": parse_number,
               "date": parse_date}
    return readers[question.kind](question, text)


def parse_choice(question: Question, text: str) -> Parsed:
    wanted = normalised(text)
    for number, option in enumerate(question.options, 1):
        labels = {normalised(option.label), normalised(option.label_en or option.label)}
        if wanted in labels or wanted == str(number):
            return Parsed(option.id, option.label)
    raise Misfit("choice", {"count": len(question.options)})


def parse_yesno(question: Question, text: str) -> Parsed:
    wanted = normalised(text)
    if wanted in YES:
        return Parsed(True, YESNO_TEXT[True])
    if wanted in NO:
        return Parsed(False, YESNO_TEXT[False])
    raise Misfit("yesno")


def parse_number(question: Question, text: str) -> Parsed:
    match = _NUMBER.match(" ".join(text.split()))
    if match is None or not _is_unit(match["rest"], question.unit):
        raise Misfit("number", {"unit": question.unit})
    digits = re.sub(SPACES, "", match["whole"])
    if match["fraction"]:
        digits += "." + match["fraction"]
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        raise Misfit("number", {"unit": question.unit}) from None
    if match["sign"] in ("-", "\u2212"):
        amount = -amount
    return checked_number(question, amount)


def _is_unit(rest: str, unit: str | None) -> bool:
    """After the digits only the question's unit may follow (any case), or nothing."""
    rest = normalised(rest)
    return not rest or (unit is not None and rest == normalised(unit))


def checked_number(question: Question, amount: Decimal) -> Parsed:
    limits = {"min": question.min, "max": question.max, "unit": question.unit}
    if question.integer and amount != amount.to_integral_value():
        raise Misfit("not_integer", limits)
    if question.min is not None and amount < Decimal(str(question.min)):
        raise Misfit("below_min", limits | {"shown_min": number_text(question.min)})
    if question.max is not None and amount > Decimal(str(question.max)):
        raise Misfit("above_max", limits | {"shown_max": number_text(question.max)})
    value: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    shown = number_text(value)
    return Parsed(value, f"{shown} {question.unit}" if question.unit else shown)


def number_text(value: float | int) -> str:
    """Swedish notation: thousands apart with a space, a decimal comma: 1 250,5."""
    sign, digits = ("-", str(value)[1:]) if str(value).startswith("-") else ("", str(value))
    whole, _, fraction = format(Decimal(digits), "f").partition(".")
    fraction = fraction.rstrip("0")
    shown = f"{int(whole):,}".replace(",", " ")
    return sign + shown + ("," + fraction if fraction else "")


def parse_date(question: Question, text: str) -> Parsed:
    plain = normalised(text)
    if match := _ISO_DATE.match(plain):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif (match := _WORDS_DATE.match(plain)) and match[2] in MONTHS:
        year, month, day = int(match[3]), MONTHS[match[2]], int(match[1])
    else:
        raise Misfit("date")
    try:
        moment = date(year, month, day)
    except ValueError:
        raise Misfit("no_date") from None
    return Parsed(moment.isoformat(), moment.isoformat())


def fits(question: Question, value: Any) -> bool:
    """Whether a stored value (say, last period's) is still a valid answer to `question`."""
    if value is None:
        return question.kind == "text"
    if question.kind == "choice":
        return isinstance(value, str) and question.option(value) is not None
    if question.kind == "yesno":
        return isinstance(value, bool)
    if question.kind == "date":
        return isinstance(value, str) and _ISO_DATE.match(value) is not None
    if question.kind == "number" and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        try:
            checked_number(question, Decimal(str(value)))
        except Misfit:
            return False
        return True
    return False


def answer_hint(question: Question, language: str) -> dict[str, Any]:
    """What a question message shows about its kind: options with numbers, unit and limits."""
    hint: dict[str, Any] = {"kind": question.kind}
    if question.kind == "choice":
        hint["options"] = [{"number": n, "id": o.id, "label": o.label_for(language)}
                           for n, o in enumerate(question.options, 1)]
    if question.kind == "number":
        hint |= {"unit": question.unit, "integer": question.integer,
                 "min": None if question.min is None else number_text(question.min),
                 "max": None if question.max is None else number_text(question.max)}
    return hint


def refusal(question: Question, misfit: Misfit, text: str, language: str) -> dict[str, Any]:
    """The data a template needs to say why an answer was not saved."""
    return {"reason": misfit.reason, "given": text.strip()[:200], **misfit.details,
            **answer_hint(question, language)}
