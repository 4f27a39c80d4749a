"""Phone numbers as the SMS gateway wants them: E.164, Swedish national numbers understood."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")


class PhoneError(ValueError):
    """A phone number that cannot be an SMS recipient; the message says why."""


def to_e164(raw: str) -> str:
    """'070-123 45 67', '+46 70 123 45 67' or '0046701234567' → '+46701234567'.

    A Swedish mobile number (07…) is what SMS needs; other countries are accepted in full
    international form only, since a national number elsewhere is ambiguous.
    """
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+46"):
        national = text[3:].removeprefix("0")  # "+46 (0)70…" is written too
        text = "+46" + national
    elif text.startswith("0") and not text.startswith("00"):
        text = "+46" + text[1:]
    if not re.fullmatch(r"\+[1-9]\d{6,14}", text):
        raise PhoneError(f"{raw.strip()!r} is not a phone number (write 07… or +46…)")
    if text.startswith("+46") and not re.fullmatch(r"\+467[02369]\d{7}", text):
        raise PhoneError(f"{raw.strip()!r} is not a Swedish mobile number (07…), which SMS needs")
    return text
