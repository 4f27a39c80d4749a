"""The command menu, Swedish by default and English for users whose Telegram is in English."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

COMMANDS = {
    "sv": [
        ("next", "Nästa fråga"), ("back", "Föregående fråga"), ("skip", "Hoppa över frågan"),
        ("review", "Visa alla svar"), ("submit", "Skicka in formuläret"),
        ("status", "Hur långt har vi kommit?"), ("delegate", "Lämna över till en kollega"),
        ("help", "Hjälp"),
    ],
    "en": [
        ("next", "Next question"), ("back", "Previous question"), ("skip", "Skip the question"),
        ("review", "Show all answers"), ("submit", "Submit the form"),
        ("status", "How far along are we?"), ("delegate", "Hand over to a colleague"),
        ("help", "Help"),
    ],
}


async def set_commands(bot: Bot) -> None:
    for language, pairs in COMMANDS.items():
        commands = [BotCommand(command=c, description=d) for c, d in pairs]
        await bot.set_my_commands(commands, language_code=None if language == "sv" else language)
