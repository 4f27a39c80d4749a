"""Telegram HTML from templates/telegram/: the contact's own text is always escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader

from intake.messaging.texts import environment as mail_environment
from intake.messaging.texts import has_template
from intake.messaging.texts import render as render_plain
from intake.paths import TEMPLATES_DIR

MAX_LENGTH = 4096  # Telegram's limit, in UTF-16 code units of the parsed text


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape on for every template: answers are typed by people and may hold "<" or "&".
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(mail_environment().filters)
    return env


def render(template: str, language: str, data: Mapping[str, Any]) -> str:
    """The chat text of a message; a template without a chat version falls back to mail's."""
    lang = language if language in ("sv", "en") else "sv"
    name = f"telegram/{template}.j2"
    if has_template(name):
        return environment().get_template(name).render({"lang": lang, **data}).strip()
    plain = render_plain(f"email/{template}.txt.j2", lang, dict(data))
    return html.escape(plain.strip(), quote=False)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_LENGTH) -> list[str]:
    """Cut a long message on paragraph boundaries, then lines, then spaces, under `limit`."""
    if utf16_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}\n\n{piece}" if current else piece
        if utf16_length(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, each one itself cut to fit if it is longer than `limit`."""
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        while utf16_length(paragraph) > limit:
            cut = _cut_point(paragraph, limit)
            pieces.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        pieces.append(paragraph)
    return pieces


def _cut_point(paragraph: str, limit: int) -> int:
    # Characters, not UTF-16 units, index the string: stay under the limit for both.
    head = paragraph[:limit]
    while utf16_length(head) > limit:
        head = head[: len(head) - (utf16_length(head) - limit)]
    for separator in ("\n", " "):
        cut = head.rfind(separator)
        if cut > limit // 2:
            # An escaped answer holds no tags and its entities no spaces: safe to cut here.
            return cut
    amp = head.rfind("&")
    if amp > head.rfind(";"):
        return amp  # never split an HTML entity such as &amp;
    return len(head)
