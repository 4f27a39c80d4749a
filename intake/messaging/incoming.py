"""An incoming message as a channel's adapter read it: channel-free, ready for a decision.

The adapter in bot/ (mail, Telegram, SMS) reads the raw inbox row into an `Incoming`; the
decision in intake/ (intake.conversation.deciding) takes it from there. It is stored on the
inbox row (`reading`), so held mail is shown from it and nothing is parsed twice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Automatic = Literal["bounce", "auto_reply"]


@dataclass(frozen=True)
class Incoming:
    channel: str
    # Who sent it: the one mailbox of the From header, lower-case; None when it cannot be
    # known for certain (no From, two of them, two mailboxes, unreadable): then it is held.
    sender: str | None
    sender_problem: str | None = None
    # The reply token of the recipient address (the live route), then those the thread's
    # Message-IDs carried (mail sent before tokens were hashed), then the thread's Message-IDs
    # (In-Reply-To, then References from the newest): our sent mail is found by them.
    envelope_token: str | None = None
    thread_tokens: tuple[str, ...] = ()
    thread_ids: tuple[str, ...] = ()
    text: str = ""  # the new text, quotes and signatures cut off
    confident: bool = True  # False: the reader was not sure where the text ends
    cut: str = ""  # how the text was found, for the row's note and a flag
    keyword: str | None = None  # a whole reply that works as a button ("SKICKA", ...)
    automatic: Automatic | None = None
    automatic_reason: str = ""
    bounce_failed: bool = False  # a delivery report that says the address fails for good
    bounce_detail: str = ""
    away_until: date | None = None  # an out-of-office reply's return date
    # A whole-form reply: answers by question number, and what could not be placed.
    placed: dict[int, str] | None = None
    unplaced: list[dict[str, str]] = field(default_factory=list)
    attachments: tuple[dict[str, Any], ...] = ()  # placeholder: filename, type, size
    # Shown to coordinators for held mail.
    subject: str = ""
    from_header: str = ""
    to_header: str = ""
    date_header: str = ""
    body: str = ""

    @property
    def tokens(self) -> tuple[str, ...]:
        first = (self.envelope_token,) if self.envelope_token else ()
        return first + tuple(t for t in self.thread_tokens if t != self.envelope_token)

    def reading(self) -> dict[str, Any]:
        """The JSON kept on the inbox row."""
        data = asdict(self)
        data["thread_tokens"] = list(self.thread_tokens)
        data["thread_ids"] = list(self.thread_ids)
        data["attachments"] = list(self.attachments)
        data["away_until"] = self.away_until.isoformat() if self.away_until else None
        if self.placed is not None:
            data["placed"] = {str(k): v for k, v in self.placed.items()}
        return data

    @classmethod
    def from_reading(cls, data: dict[str, Any]) -> Incoming:
        values = dict(data)
        values["thread_tokens"] = tuple(values.get("thread_tokens") or ())
        values["thread_ids"] = tuple(values.get("thread_ids") or ())
        values["attachments"] = tuple(values.get("attachments") or ())
        away = values.get("away_until")
        values["away_until"] = date.fromisoformat(away) if away else None
        placed = values.get("placed")
        values["placed"] = {int(k): v for k, v in placed.items()} if placed is not None \
            else None
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})
