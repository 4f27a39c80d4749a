"""Rendering every text a person reads from `templates/`, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from intake.clock import parse_datetime
from intake.paths import TEMPLATES_DIR
from intake.rounds.calendar import deadline_in_words


def _deadline_words(value: str | datetime | None, language: str = "sv") -> str:
    if value is None:
        return ""
    moment = parse_datetime(value) if isinstance(value, str) else value
    return deadline_in_words(moment, language)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["deadline_words"] = _deadline_words
    return env


def render(name: str, language: str, data: dict[str, Any]) -> str:
    """Render template `name` (a path under templates/) with `lang` and the message data."""
    context = {"lang": language if language in ("sv", "en") else "sv", **data}
    return environment().get_template(name).render(context).strip() + "\n"


def has_template(name: str) -> bool:
    return (TEMPLATES_DIR / name).is_file()
