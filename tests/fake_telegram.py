"""A fake Telegram Bot API server for tests: aiogram's real HTTP client talks to it.

There is no internet where the tests run, and mocking aiogram would hide exactly the bugs
that matter (form encoding, error classes, offsets, long polling). So this module plays
Telegram: an aiohttp server answering ``/bot<token>/<method>`` like api.telegram.org does,
plus a test-facing side that plays the users (send a message, press a button, block the
bot) and watches what the bot sent.

Two ways to run it:

* ``async with FakeBotAPI() as tg:`` in the test's own event loop, for in-process bots;
  its ``wait_for_*`` methods are coroutines.
* ``with FakeBotAPIThread() as tg:`` in a background thread with its own loop, for a bot
  running in a subprocess (``intake serve`` with ``tg.env()``); its ``wait_for_*`` block.

Every other method of both is synchronous, thread-safe and never blocks for long.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar
from urllib.parse import parse_qs, urlparse

from aiohttp import ClientSession, ClientTimeout, web
from fake_telegram_html import HtmlParseError, parse_html

T = TypeVar("T")

DEFAULT_TOKEN = "4242424242:AAFakeTokenForIntakeTests_0123456789"
MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
# What Telegram delivers when a bot never said otherwise (it leaves these three out).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost", "business_connection", "business_message",
        "edited_business_message", "deleted_business_messages", "purchased_paid_media",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class BotAPIError(Exception):
    """A Bot API error reply: HTTP status = error_code, as Telegram sends it."""

    def __init__(self, error_code: int, description: str, parameters: dict | None = None):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> BotAPIError:
    return BotAPIError(400, f"Bad Request: {description}")


@dataclass
class RecordedRequest:
    """One call the bot made. ``time`` is time.monotonic() on arrival, for rate checks."""

    method: str
    params: dict[str, Any]
    time: float
    wall_time: float
    status: int = 0
    description: str | None = None

    @property
    def chat_id(self) -> int | None:
        try:
            return int(self.params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class _Fault:
    method: str  # lower case
    chat_id: int | None
    error: BotAPIError
    remaining: int


@dataclass
class _Chat:
    """A private chat between the bot and one user (chat id = user id, as in Telegram)."""

    user: dict
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, dict] = field(default_factory=dict)
    # ("message" | "edit", copy of the message as it was then), in sending order.
    bot_log: list[tuple[str, dict]] = field(default_factory=list)
    read_cursor: int = 0

    def chat_object(self) -> dict:
        chat = {"id": self.user["id"], "type": "private", "first_name": self.user["first_name"]}
        for key in ("last_name", "username"):
            if key in self.user:
                chat[key] = self.user[key]
        return chat


@dataclass
class _Callback:
    update_id: int
    user_id: int
    answer: dict | None = None


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


# --- parameters arrive as strings (form data) or typed values (JSON bodies) ----------


def _int_param(params: dict, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _bool_param(params: dict, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _json_param(params: dict, name: str) -> Any:
    """aiogram sends nested objects (reply_markup, commands, scope) JSON-encoded."""
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise bad_request(f"can't parse {name} JSON object") from None


def _command_entities(text: str) -> list[dict]:
    # Telegram marks a leading /command (with @botname) as a bot_command entity.
    match = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]


def _inline_buttons(message: dict) -> list[dict]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def _validate_inline_keyboard(markup: dict) -> None:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard: field \"inline_keyboard\" must be Array")
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request("can't parse inline keyboard button: Text must be a String")
        data = button.get("callback_data")
        if data is not None:
            size = len(str(data).encode("utf-8"))
            if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not re.match(r"(https?|tg)://", str(url)):
            raise bad_request("BUTTON_URL_INVALID")
        actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )


def _webhook_dict(hook: _Webhook, pending: int, allowed: frozenset[str] | None) -> dict:
    info: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": pending,
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        if allowed is not None:
            info["allowed_updates"] = sorted(allowed)
    if hook.last_error_date is not None:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info
