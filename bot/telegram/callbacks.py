"""Inline button payloads: ids only, well under Telegram's 64-byte callback_data limit."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

# Button action -> engine event kind.
ACTIONS = {
    "next": "next", "back": "back", "skip": "skip", "na": "not_applicable",
    "same": "same_as_last", "review": "review", "submit": "submit",
    "confirm": "confirm_submit", "edit": "edit",
}


class Act(CallbackData, prefix="a"):
    """One press: the action and the question number it was shown under (0: none)."""

    action: str
    q: int = 0


class Pick(CallbackData, prefix="p"):
    """An answer button: the question number and what it answers (an option's number, yes/no).

    Its own prefix, so the buttons of messages sent before answer buttons existed still parse.
    """

    q: int
    v: str
