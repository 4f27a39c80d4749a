"""Inline keyboards under the bot's messages, built from the outbox row's template and data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.telegram.callbacks import Act, Pick

LABELS = {
    "sv": {
        "next": "Nästa ▶", "back": "◀ Tillbaka", "skip": "Hoppa över", "na": "Ej aktuellt",
        "same": "Samma som förra perioden", "review": "Granska", "submit": "Skicka in",
        "confirm": "Ja, skicka in", "edit": "Ändra {n}", "yes": "Ja", "no": "Nej",
    },
    "en": {
        "next": "Next ▶", "back": "◀ Back", "skip": "Skip", "na": "Not applicable",
        "same": "Same as last period", "review": "Review", "submit": "Submit",
        "confirm": "Yes, submit", "edit": "Edit {n}", "yes": "Yes", "no": "No",
    },
}


def _label(language: str, action: str, **fields: Any) -> str:
    return LABELS.get(language, LABELS["sv"])[action].format(**fields)


def question_keyboard(language: str, data: Mapping[str, Any]) -> InlineKeyboardMarkup:
    number = int(data.get("number") or 0)
    kb = InlineKeyboardBuilder()
    answers = _answer_buttons(kb, language, data, number)
    for action in ("back", "next", "skip", "na"):
        kb.button(text=_label(language, action), callback_data=Act(action=action, q=number))
    if data.get("previous_answer"):
        kb.button(text=_label(language, "same"), callback_data=Act(action="same", q=number))
    for action in ("review", "submit"):
        kb.button(text=_label(language, action), callback_data=Act(action=action))
    kb.adjust(*answers, 2, 2, *((1,) if data.get("previous_answer") else ()), 2)
    return kb.as_markup()


def _answer_buttons(kb: InlineKeyboardBuilder, language: str, data: Mapping[str, Any],
                    number: int) -> tuple[int, ...]:
    """One button per option (a row each), or Ja and Nej side by side; the row sizes."""
    if data.get("kind") == "choice":
        options = list(data.get("options") or [])
        for option in options:
            kb.button(text=str(option["label"]),
                      callback_data=Pick(q=number, v=str(option["number"])))
        return (1,) * len(options)
    if data.get("kind") == "yesno":
        for value in ("yes", "no"):
            kb.button(text=_label(language, value),
                      callback_data=Pick(q=number, v=value))
        return (2,)
    return ()


def review_keyboard(language: str, data: Mapping[str, Any]) -> InlineKeyboardMarkup:
    """A button per question to open it again, then submit."""
    kb = InlineKeyboardBuilder()
    answers = list(data.get("answers") or [])
    for item in answers:
        number = int(item["number"])
        kb.button(text=_label(language, "edit", n=number), callback_data=Act(action="edit",
                                                                            q=number))
    kb.button(text=_label(language, "submit"), callback_data=Act(action="submit"))
    kb.adjust(*([5] * (len(answers) // 5)), *((len(answers) % 5,) if len(answers) % 5 else ()), 1)
    return kb.as_markup()


def single(language: str, *actions: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for action in actions:
        kb.button(text=_label(language, action), callback_data=Act(action=action))
    return kb.as_markup()


def keyboard_for(template: str, language: str,
                 data: Mapping[str, Any]) -> InlineKeyboardMarkup | None:
    """The buttons that belong under a message made from `template`, if any."""
    if template == "question":
        return question_keyboard(language, data)
    if template in ("review", "summary"):
        return review_keyboard(language, data)
    if template == "confirm_submit":
        return single(language, "confirm", "review")
    if template in ("fragment_saved", "fragment_updated"):
        return single(language, "next")
    return None
