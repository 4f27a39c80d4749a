"""Whole replies that work as the chat buttons do: "Ej aktuellt.", "SKICKA", "HELA FORMULÄRET"."""

from __future__ import annotations

import re

# Compared case- and punctuation-free.
KEYWORDS = {
    "ej aktuellt": "not_applicable", "inte aktuellt": "not_applicable",
    "not applicable": "not_applicable",
    "samma som förra perioden": "same_as_last", "same as last period": "same_as_last",
    "skicka": "confirm_submit", "skicka in": "confirm_submit", "submit": "confirm_submit",
}
# Asking for every question in one mail: "HELA FORMULÄRET", "Hela formuläret, tack!" ...
_WHOLE_FORM_ASK = re.compile(
    r"(?:(?:skicka|send)(?: mig| me)? )?(?:hela formuläret|(?:the )?whole form)"
    r"(?: (?:tack|please|thanks))?")


def keyword_of(text: str) -> str | None:
    """The event a whole reply stands for ("whole_form" for the whole form), if it is one."""
    if len(text) > 200:
        return None  # a keyword is a few words; a long answer is an answer
    plain = re.sub(r"[\s.!\"'”]+", " ", text).strip().casefold()
    if _WHOLE_FORM_ASK.fullmatch(re.sub(r"[\s,]+", " ", plain).strip()):
        return "whole_form"
    return KEYWORDS.get(plain)
