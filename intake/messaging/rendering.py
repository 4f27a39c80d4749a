"""Rendering an outbox message once, when it is enqueued: each channel registers its renderer.

Mail is rendered here (its templates are plain text and HTML); a chat channel registers its
own renderer from bot/ by name. A channel with no renderer in this process (Telegram in a
command that never loads it) is rendered by its transport when sent, and stored then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from intake.messaging.texts import render

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """What a person is sent: subject (mail), plain text, HTML (mail), buttons (chat)."""

    text: str
    subject: str | None = None
    html: str | None = None
    buttons: list[Any] | None = None


# (template, language, data) -> Rendered, or None when it can only be rendered at sending.
Renderer = Callable[[str, str, Mapping[str, Any]], Rendered | None]
_RENDERERS: dict[str, Renderer] = {}


def register_renderer(channel: str, renderer: Renderer) -> None:
    _RENDERERS[channel] = renderer


def render_message(channel: str, template: str, language: str,
                   data: Mapping[str, Any]) -> Rendered | None:
    renderer = _RENDERERS.get(channel)
    if renderer is None:
        return None
    try:
        return renderer(template, language, data)
    except Exception:  # noqa: BLE001 - the transport renders it again and reports the error
        log.warning("rendering %s/%s at enqueue failed; left to the transport", channel,
                    template, exc_info=True)
        return None


def render_mail(template: str, language: str, data: Mapping[str, Any]) -> Rendered:
    """Subject, plain text and HTML of one mail."""
    values = dict(data)
    subject = " ".join(render(f"email/{template}.subject.j2", language, values).split())
    text = render(f"email/{template}.txt.j2", language, values)
    html = render(f"email/{template}.html.j2", language,
                  values | {"subject": subject, "body_text": text.strip()})
    return Rendered(text=text, subject=subject, html=html)


def _mail_at_enqueue(template: str, language: str, data: Mapping[str, Any]) -> Rendered | None:
    # An invitation's Telegram link needs the bot's name, known only to a running channel.
    if data.get("telegram_start_token"):
        return None
    return render_mail(template, language, data)


register_renderer("email", _mail_at_enqueue)
