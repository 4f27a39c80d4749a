"""Answers as plain messages, edits of them, and the moving-about commands and buttons."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlmodel import Session

from bot.telegram.callbacks import ACTIONS, Act, Pick
from bot.telegram.middleware import LinkedContact
from bot.telegram.notices import apply, source_ref
from storage.models import Assignment, Inbox

COMMANDS = {"next": "next", "back": "back", "skip": "skip", "status": "status", "help": "help"}


async def command(message: Message, session: Session, now: datetime, inbox: Inbox,
                  assignment: Assignment) -> None:
    name = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    apply(session, assignment, inbox, now, COMMANDS[name])


async def unknown_command(message: Message, session: Session, now: datetime, inbox: Inbox,
                          assignment: Assignment) -> None:
    apply(session, assignment, inbox, now, "help")


async def fragment(message: Message, session: Session, now: datetime, inbox: Inbox,
                   assignment: Assignment) -> None:
    # The text exactly as typed: the engine keeps it character for character.
    apply(session, assignment, inbox, now, "text", text=message.text,
          source_ref=source_ref(message.chat.id, message.message_id))


async def edited(message: Message, session: Session, now: datetime, inbox: Inbox,
                 assignment: Assignment) -> None:
    apply(session, assignment, inbox, now, "edit_fragment", text=message.text,
          source_ref=source_ref(message.chat.id, message.message_id))


async def not_text(message: Message, session: Session, now: datetime, inbox: Inbox,
                   assignment: Assignment) -> None:
    # Photos, stickers, files: only text is an answer; say how to answer.
    apply(session, assignment, inbox, now, "help")


async def button(query: CallbackQuery, callback_data: Act, session: Session, now: datetime,
                 inbox: Inbox, assignment: Assignment) -> None:
    kind = ACTIONS[callback_data.action]
    # The question a button stood under matters where the action names one.
    question = str(callback_data.q) if kind in ("not_applicable", "same_as_last", "edit") \
        and callback_data.q else None
    apply(session, assignment, inbox, now, kind, question=question)


async def pick(query: CallbackQuery, callback_data: Pick, session: Session, now: datetime,
               inbox: Inbox, assignment: Assignment) -> None:
    # An option or yes/no button: read exactly as the same text typed would be.
    apply(session, assignment, inbox, now, "answer", question=str(callback_data.q),
          text=callback_data.v)


def create_router() -> Router:
    router = Router(name="answering")
    for observer in (router.message, router.edited_message, router.callback_query):
        observer.middleware(LinkedContact())
    router.message.register(command, Command(*COMMANDS))
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(fragment, F.text)
    router.message.register(not_text)
    router.edited_message.register(edited, F.text)
    router.callback_query.register(button, Act.filter(F.action.in_(ACTIONS)))
    router.callback_query.register(pick, Pick.filter())
    return router
