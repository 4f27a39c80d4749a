"""What an incoming SMS says: a keyword of the contract (the whole message, any case) or text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Swedish and English words for each command of the conversation.
KEYWORDS: dict[str, str] = {
    "NÄSTA": "next", "NEXT": "next",
    "TILLBAKA": "back", "BACK": "back",
    "HOPPA": "skip", "SKIP": "skip",
    "STATUS": "status",
    "HJÄLP": "help", "HELP": "help",
    "SKICKA": "submit", "SUBMIT": "submit",
    "JA": "confirm", "YES": "confirm",
    "STOPP": "stop", "STOP": "stop",
}
_SHARE = re.compile(r"(?:DELA|SHARE)\s+(\d{1,3})(?:\s+(\S+))?", re.IGNORECASE)


@dataclass(frozen=True)
class SmsCommand:
    command: str | None  # "next", "back", …, "share"; None for an answer's text
    text: str
    section: int | None = None
    address: str | None = None


def read_sms(message: str) -> SmsCommand:
    """A keyword only when it is the whole message ("Nästa!" too); anything else is text."""
    text = unicodedata.normalize("NFC", message).strip()
    word = text.rstrip(".!").strip().upper()
    if word in KEYWORDS:
        return SmsCommand(KEYWORDS[word], text)
    if word == "NASTA":  # phones without Swedish letters
        return SmsCommand("next", text)
    if word == "HJALP":
        return SmsCommand("help", text)
    share = _SHARE.fullmatch(text.rstrip("."))
    if share:
        return SmsCommand("share", text, int(share.group(1)), share.group(2))
    return SmsCommand(None, text)
