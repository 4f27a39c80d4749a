"""A fake Telegram Bot API server for tests: aiogram's real HTTP client talks to it.

There is no internet where the tests run, and mocking aiogram would hide exactly the bugs
that matter (form encoding, error classes, offsets, long polling). So this module plays
Telegram: an aiohttp server answering ``/bot<token>/<method>`` like api.telegram.org does,
plus a test-facing side that plays the users (send a message, press a button, block the
bot) and watches what the bot sent.

In the test's own event loop (bot in-process); ``wait_for_*`` are coroutines::

    def test_echo():
        async def body(tg: FakeBotAPI, bot: Bot) -> None:
            async with polling(dispatcher, bot):
                tg.send_user_message(1001, "Hej", first_name="Kim")
                assert (await tg.wait_for_bot_message(1001))["text"] == "Hej"
        run_against_fake(body)

In a background thread with its own loop (bot in a subprocess); ``wait_for_*`` block::

    with FakeBotAPIThread() as tg:
        serve = subprocess.Popen(["intake", "serve"], env={**os.environ, **tg.env()})
        tg.open_deep_link(1001, link_from_the_invitation_mail)
        question = tg.wait_for_bot_message(1001, timeout=20)
        tg.press_button_by_text(1001, question["message_id"], "Nästa")

Every other method of both is synchronous, thread-safe and returns at once. The bot's
requests are all kept (``requests()``, ``request_rate()``); faults are injected with
``inject_rate_limit`` and ``inject_error``. Not simulated: groups, files, inline mode,
MarkdownV2 validation, Telegram's own flood limits (inject 429s instead).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar
from urllib.parse import parse_qs, urlparse

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import ClientSession, ClientTimeout, web

from tests.support.fake_telegram_html import HtmlParseError, parse_html

T = TypeVar("T")
MessageMatch = Callable[[dict], bool]

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
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
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
        raise bad_request('can\'t parse inline keyboard: field "inline_keyboard" must be Array')
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


class TelegramWorld:
    """Everything the fake Telegram knows, behind one lock.

    The bot's side is ``call(method, params)`` (and ``get_updates``); the users' side and
    the inspection methods are the public methods below. Subclasses add a server.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        username: str = "intake_test_bot",
        first_name: str = "Intake Test Bot",
        clock: Callable[[], float] = time.time,
        first_update_id: int = 700_000_001,
        max_long_poll: float = 50.0,
    ) -> None:
        # token None: any well-formed token is accepted (like several bots on one server).
        self.token = token or DEFAULT_TOKEN
        self._strict_token = token is not None
        self.username = username
        self._clock = clock
        self._max_long_poll = max_long_poll
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._async_waiters: dict[Hashable, list[tuple[asyncio.AbstractEventLoop, Any]]] = {}
        self._bot_user = {
            "id": int(self.token.split(":")[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self._chats: dict[int, _Chat] = {}
        self._pending: deque[dict] = deque()
        self._next_update_id = first_update_id
        self._allowed: frozenset[str] | None = None
        self._dropped: list[dict] = []
        self._poll_generation = 0
        self._closing = False
        self._webhook = _Webhook()
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._callbacks: dict[str, _Callback] = {}
        self._callback_ids: dict[int, str] = {}
        self._faults: list[_Fault] = []
        self._requests: list[RecordedRequest] = []
        self._methods: dict[str, Callable[[dict], Any]] = {
            name.lower(): getattr(self, f"_api_{name}")
            for name in (
                "getMe", "logOut", "close", "deleteWebhook", "setWebhook", "getWebhookInfo",
                "setMyCommands", "getMyCommands", "deleteMyCommands", "sendMessage",
                "editMessageText", "editMessageReplyMarkup", "deleteMessage",
                "answerCallbackQuery", "sendChatAction", "getChat",
            )
        }  # fmt: skip

    # --- waiting: sync waiters use the Condition, async ones a future per key ----------

    def _notify(self, *keys: Hashable) -> None:
        """Wake whoever waits on these keys; call with the lock held."""
        self._cond.notify_all()
        for key in keys:
            for loop, future in self._async_waiters.pop(key, []):
                loop.call_soon_threadsafe(_resolve, future)

    def _wait_sync(self, check: Callable[[], T | None], timeout: float) -> T | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while (result := check()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            return result

    async def _wait_async(
        self, key: Hashable, check: Callable[[], T | None], timeout: float
    ) -> T | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                result = check()
                remaining = deadline - loop.time()
                if result is not None or remaining <= 0:
                    return result
                future = loop.create_future()
                waiter = (loop, future)
                self._async_waiters.setdefault(key, []).append(waiter)
            try:
                await asyncio.wait({future}, timeout=remaining)
            finally:
                with self._lock:
                    waiters = self._async_waiters.get(key, [])
                    if waiter in waiters:
                        waiters.remove(waiter)

    # --- the users' side ---------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Kim",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "sv",
    ) -> dict:
        """Make a user known to Telegram who has not started the bot (sending gives 403)."""
        with self._lock:
            return self._ensure_chat(user_id, first_name, last_name, username, language_code).user

    def _ensure_chat(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "sv",
    ) -> _Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Kim"}
            chat = self._chats[user_id] = _Chat(user=user)
        extra = {"first_name": first_name, "last_name": last_name, "username": username}
        chat.user.update({key: value for key, value in extra.items() if value})
        if language_code:
            chat.user["language_code"] = language_code
        return chat

    def _push_update(self, kind: str, payload: dict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        self._notify("updates")
        return update_id

    def push_update(self, kind: str, payload: dict) -> int:
        """Queue any other update (a photo, a sticker, a group message) as given."""
        with self._lock:
            return self._push_update(kind, copy.deepcopy(payload))

    def send_user_message(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """The user writes to the bot; returns the update_id. Also starts the chat."""
        with self._lock:
            chat = self._ensure_chat(user_id, first_name, None, username, language_code)
            if chat.blocked:
                # Telegram's client offers "Restart bot" to a user who blocked it.
                self._set_blocked(chat, False)
            chat.started = True
            message = self._new_message(chat, chat.user, text, _command_entities(text))
            if reply_to_message_id in chat.messages:
                original = copy.deepcopy(chat.messages[reply_to_message_id])
                message["reply_to_message"] = original
            return self._push_update("message", copy.deepcopy(message))

    def start_bot(self, user_id: int, payload: str | None = None, **user: Any) -> int:
        """The user taps Start, or a deep link ``t.me/<bot>?start=<payload>``."""
        if payload is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload):
            # Telegram's apps drop such a payload; a test should hear about it instead.
            raise ValueError(f"invalid deep-link payload {payload!r} (A-Z a-z 0-9 _ -, ≤64)")
        return self.send_user_message(user_id, f"/start {payload}" if payload else "/start", **user)

    def open_deep_link(self, user_id: int, link: str, **user: Any) -> int:
        """Follow ``https://t.me/<bot>?start=<payload>`` as the Telegram app would."""
        parsed = urlparse(link)
        if parsed.netloc not in ("t.me", "telegram.me") or parsed.path.strip("/") != self.username:
            raise ValueError(f"{link!r} is not a link to @{self.username}")
        payload = parse_qs(parsed.query).get("start", [None])[0]
        return self.start_bot(user_id, payload, **user)

    def edit_user_message(self, user_id: int, message_id: int, text: str) -> int:
        """The user edits an earlier message: an ``edited_message`` update."""
        with self._lock:
            chat = self._chats[user_id]
            message = chat.messages[message_id]
            if message["from"]["id"] != user_id:
                raise ValueError(f"message {message_id} in chat {user_id} is not the user's")
            message.update(text=text, edit_date=int(self._clock()))
            message.pop("entities", None)
            if entities := _command_entities(text):
                message["entities"] = entities
            return self._push_update("edited_message", copy.deepcopy(message))

    def press_button(
        self, user_id: int, message_id: int, callback_data: str, *, check: bool = True
    ) -> int:
        """The user presses an inline button; returns the update_id of the callback_query.

        With check (the default) the button must be on that message now, as in the app;
        check=False sends any data, as a forged or stale client could.
        """
        with self._lock:
            chat = self._chats[user_id]
            message = chat.messages.get(message_id)
            if check:
                offered = [b.get("callback_data") for b in _inline_buttons(message or {})]
                if callback_data not in offered:
                    raise ValueError(
                        f"message {message_id} in chat {user_id} has no button "
                        f"{callback_data!r}; it has {offered}"
                    )
            update_id = self._next_update_id
            query_id = f"{user_id}{update_id:012d}"
            query: dict[str, Any] = {
                "id": query_id,
                "from": copy.deepcopy(chat.user),
                "chat_instance": str(-user_id * 7919),
                "data": callback_data,
            }
            if message is not None:
                query["message"] = copy.deepcopy(message)
            self._callbacks[query_id] = _Callback(update_id, user_id)
            self._callback_ids[update_id] = query_id
            return self._push_update("callback_query", query)

    def press_button_by_text(self, user_id: int, message_id: int, text: str) -> int:
        """Press the inline button labelled ``text`` (so tests need not know its data)."""
        with self._lock:
            message = self._chats[user_id].messages.get(message_id, {})
            for button in _inline_buttons(message):
                if button["text"] == text and "callback_data" in button:
                    return self.press_button(user_id, message_id, button["callback_data"])
            labels = [b["text"] for b in _inline_buttons(message)]
        raise ValueError(f"message {message_id} has no button {text!r}; it has {labels}")

    def block_bot(self, user_id: int) -> int:
        """The user blocks the bot: a ``my_chat_member`` update, then 403 on sending."""
        with self._lock:
            return self._set_blocked(self._ensure_chat(user_id), True)

    def unblock_bot(self, user_id: int) -> int:
        with self._lock:
            return self._set_blocked(self._ensure_chat(user_id), False)

    def _set_blocked(self, chat: _Chat, blocked: bool) -> int:
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        member_update = {
            "chat": chat.chat_object(),
            "from": copy.deepcopy(chat.user),
            "date": int(self._clock()),
            "old_chat_member": {"user": dict(self._bot_user), "status": old},
            "new_chat_member": {"user": dict(self._bot_user), "status": new},
        }
        if blocked:
            member_update["new_chat_member"]["until_date"] = 0
        else:
            member_update["old_chat_member"]["until_date"] = 0
        return self._push_update("my_chat_member", member_update)

    def _new_message(self, chat: _Chat, sender: dict, text: str, entities: list[dict]) -> dict:
        message: dict[str, Any] = {
            "message_id": chat.next_message_id,
            "from": copy.deepcopy(sender),
            "chat": chat.chat_object(),
            "date": int(self._clock()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = message
        return message

    # --- what the bot did --------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[dict]:
        """The bot's messages in that chat as they stand now (edits applied, deletes gone)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            bot_id = self._bot_user["id"]
            mine = [m for m in chat.messages.values() if m["from"]["id"] == bot_id]
            return copy.deepcopy(mine)

    def message(self, chat_id: int, message_id: int) -> dict | None:
        with self._lock:
            found = (
                self._chats[chat_id].messages.get(message_id) if chat_id in self._chats else None
            )
            return copy.deepcopy(found)

    def buttons(self, chat_id: int, message_id: int) -> list[dict]:
        """The inline buttons now on a message, row after row."""
        return _inline_buttons(self.message(chat_id, message_id) or {})

    def commands(self, language_code: str | None = None, scope: dict | None = None) -> list[dict]:
        """The commands set with setMyCommands for that language and scope ([] if none)."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or "")
        with self._lock:
            return copy.deepcopy(self._commands.get(key, []))

    def requests(self, method: str | None = None) -> list[RecordedRequest]:
        """Every request the bot made, in arrival order (getUpdates included)."""
        with self._lock:
            found = list(self._requests)
        if method is None:
            return found
        return [r for r in found if r.method.lower() == method.lower()]

    def request_rate(
        self, method: str = "sendMessage", window: float = 1.0, chat_id: int | None = None
    ) -> int:
        """The most such requests that arrived within any ``window`` seconds."""
        times = [r.time for r in self.requests(method) if chat_id is None or r.chat_id == chat_id]
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def callback_answer(self, update_id: int) -> dict | None:
        """The answerCallbackQuery parameters for the press with that update_id, if any."""
        with self._lock:
            query = self._callbacks.get(self._callback_ids.get(update_id, ""))
            return copy.deepcopy(query.answer) if query else None

    def mark_read(self, chat_id: int) -> None:
        """Skip what the bot sent so far: the next wait_for_bot_message sees only new ones."""
        with self._lock:
            if chat_id in self._chats:
                self._chats[chat_id].read_cursor = len(self._chats[chat_id].bot_log)

    def clear_requests(self) -> None:
        """Forget the request log (long benchmarks; a fresh rate measurement)."""
        with self._lock:
            self._requests.clear()

    def pending_update_ids(self) -> list[int]:
        """Updates not yet confirmed by the bot (an offset past them, or a webhook 200)."""
        with self._lock:
            return [u["update_id"] for u in self._pending]

    def dropped_updates(self) -> list[dict]:
        """Updates thrown away because the bot's allowed_updates left their type out."""
        with self._lock:
            return copy.deepcopy(self._dropped)

    def is_blocked(self, user_id: int) -> bool:
        with self._lock:
            return user_id in self._chats and self._chats[user_id].blocked

    @property
    def bot_user(self) -> dict:
        return dict(self._bot_user)

    # --- faults ------------------------------------------------------------------------

    def inject_rate_limit(
        self,
        count: int,
        retry_after: int,
        *,
        method: str = "sendMessage",
        chat_id: int | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` (to that chat) answer 429 retry_after."""
        error = BotAPIError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )
        self.inject_error(method, error, count=count, chat_id=chat_id)

    def inject_error(
        self, method: str, error: BotAPIError, *, count: int = 1, chat_id: int | None = None
    ) -> None:
        """The next ``count`` calls of ``method`` fail with ``error`` (e.g. a 500 or 502)."""
        with self._lock:
            self._faults.append(_Fault(method.lower(), chat_id, error, count))

    def _take_fault(self, method: str, params: dict) -> None:
        for fault in self._faults:
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(params.get("chat_id")):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise fault.error

    # --- the bot's side ----------------------------------------------------------------

    def check_token(self, token: str) -> None:
        left, _, right = token.partition(":")
        if not left.isdigit() or not right or (self._strict_token and token != self.token):
            raise BotAPIError(401, "Unauthorized")

    def record(self, method: str, params: dict) -> RecordedRequest:
        canonical = self._methods.get(method.lower())
        name = canonical.__name__.removeprefix("_api_") if canonical else method
        if method.lower() == "getupdates":
            name = "getUpdates"
        entry = RecordedRequest(name, dict(params), time.monotonic(), self._clock())
        with self._lock:
            self._requests.append(entry)
            self._notify(("request", name.lower()))
        return entry

    def call(self, method: str, params: dict) -> Any:
        """Run one Bot API method other than getUpdates; raises BotAPIError."""
        handler = self._methods.get(method.lower())
        if handler is None:
            raise BotAPIError(404, "Not Found: method not found")
        with self._lock:
            self._take_fault(method, params)
            return handler(params)

    async def get_updates(self, params: dict) -> list[dict]:
        """getUpdates with real long polling: returns as soon as something is there."""
        offset = _int_param(params, "offset")
        limit = min(max(_int_param(params, "limit") or 100, 1), 100)
        timeout = min(max(_int_param(params, "timeout") or 0, 0), self._max_long_poll)
        allowed = _json_param(params, "allowed_updates")
        with self._lock:
            self._take_fault("getUpdates", params)
            if self._webhook.url:
                raise BotAPIError(409, CONFLICT_WEBHOOK)
            if allowed is not None:
                self._allowed = frozenset(allowed) or None
            self._confirm(offset)
            # A newer poll ends an older one: that is how Telegram detects two bots.
            self._poll_generation += 1
            generation = self._poll_generation
            self._notify("updates")

        def check() -> list[dict] | None:
            if self._poll_generation != generation:
                raise BotAPIError(409, CONFLICT_OTHER_POLL)
            found = self._deliverable(limit)
            return found if found or self._closing else None

        return await self._wait_async("updates", check, timeout) or []

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            # Negative: keep only the last -offset updates, forget the rest.
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()
        self._notify("confirmed")

    def _deliverable(self, limit: int) -> list[dict]:
        allowed = self._allowed or DEFAULT_UPDATE_TYPES
        kept: deque[dict] = deque()
        for update in self._pending:
            kind = next(k for k in update if k != "update_id")
            if kind in allowed:
                kept.append(update)
            else:
                self._dropped.append(update)
        self._pending = kept
        return copy.deepcopy(list(itertools.islice(kept, limit)))

    # --- Bot API methods (called with the lock held) -----------------------------------

    def _api_getMe(self, params: dict) -> dict:
        me = dict(self._bot_user)
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    def _api_logOut(self, params: dict) -> bool:
        return True

    def _api_close(self, params: dict) -> bool:
        return True

    def _api_deleteWebhook(self, params: dict) -> bool:
        if _bool_param(params, "drop_pending_updates"):
            self._pending.clear()
        self._webhook = _Webhook()
        self._notify("updates", "webhook")
        return True

    def _api_setWebhook(self, params: dict) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token") or None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if url and not re.match(r"https?://", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if _bool_param(params, "drop_pending_updates"):
            self._pending.clear()
        allowed = _json_param(params, "allowed_updates")
        if allowed is not None:
            self._allowed = frozenset(allowed) or None
        max_connections = _int_param(params, "max_connections") or 40
        self._webhook = _Webhook(url, secret, max(1, min(max_connections, 100)))
        self._poll_generation += 1  # a running getUpdates now conflicts
        self._notify("updates", "webhook")
        return True

    def _api_getWebhookInfo(self, params: dict) -> dict:
        return _webhook_dict(self._webhook, len(self._pending), self._allowed)

    def _commands_key(self, params: dict) -> tuple[str, str]:
        scope = _json_param(params, "scope") or {"type": "default"}
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    def _api_setMyCommands(self, params: dict) -> bool:
        commands = _json_param(params, "commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_getMyCommands(self, params: dict) -> list[dict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _api_deleteMyCommands(self, params: dict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _chat_for(self, params: dict, *, writing: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat = self._chats.get(int(raw))
        except (TypeError, ValueError):
            chat = None  # "@username" never resolves to a private chat
        if chat is None:
            raise bad_request("chat not found")
        if writing and chat.blocked:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")
        if writing and not chat.started:
            raise BotAPIError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _text_for(self, params: dict) -> tuple[str, list[dict]]:
        text = params.get("text")
        if text is None or text == "":
            raise bad_request("message text is empty")
        text = str(text)
        entities = _json_param(params, "entities") or []
        if str(params.get("parse_mode") or "").lower() == "html":
            try:
                parsed = parse_html(text)
            except HtmlParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
            text, entities = parsed.text, parsed.entities
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_MESSAGE_LENGTH:
            raise bad_request("message is too long")
        return text, entities

    def _markup_for(self, params: dict) -> dict | None:
        """The inline keyboard to show, if any (reply keyboards are accepted, not shown)."""
        markup = _json_param(params, "reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        _validate_inline_keyboard(markup)
        return {"inline_keyboard": markup["inline_keyboard"]} if markup["inline_keyboard"] else None

    def _log_bot_message(self, chat: _Chat, kind: str, message: dict) -> dict:
        chat.bot_log.append((kind, copy.deepcopy(message)))
        self._notify(("chat", chat.user["id"]))
        return copy.deepcopy(message)

    def _api_sendMessage(self, params: dict) -> dict:
        chat = self._chat_for(params)
        text, entities = self._text_for(params)
        markup = self._markup_for(params)
        message = self._new_message(chat, self._bot_user, text, entities)
        if markup:
            message["reply_markup"] = markup
        return self._log_bot_message(chat, "message", message)

    def _bot_message_for(self, params: dict, verb: str) -> tuple[_Chat, dict]:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the fake Bot API")
        chat = self._chat_for(params)
        message = chat.messages.get(_int_param(params, "message_id") or 0)
        if message is None:
            raise bad_request(f"message to {verb} not found")
        if message["from"]["id"] != self._bot_user["id"]:
            raise bad_request(f"message can't be {verb}ed")
        return chat, message

    def _apply_edit(self, chat: _Chat, message: dict, changes: dict) -> dict:
        edited = {k: v for k, v in message.items() if k not in ("entities", "reply_markup")}
        edited.update({k: v for k, v in changes.items() if v})
        unchanged = ("edit_date", "date")
        if {k: v for k, v in edited.items() if k not in unchanged} == {
            k: v for k, v in message.items() if k not in unchanged
        }:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        edited["edit_date"] = int(self._clock())
        chat.messages[message["message_id"]] = edited
        return self._log_bot_message(chat, "edit", edited)

    def _api_editMessageText(self, params: dict) -> dict:
        chat, message = self._bot_message_for(params, "edit")
        text, entities = self._text_for(params)
        # Leaving reply_markup out of an edit removes the keyboard, as on Telegram.
        changes = {"text": text, "entities": entities, "reply_markup": self._markup_for(params)}
        return self._apply_edit(chat, message, changes)

    def _api_editMessageReplyMarkup(self, params: dict) -> dict:
        chat, message = self._bot_message_for(params, "edit")
        changes = {
            "text": message["text"],
            "entities": message.get("entities"),
            "reply_markup": self._markup_for(params),
        }
        return self._apply_edit(chat, message, changes)

    def _api_deleteMessage(self, params: dict) -> bool:
        chat = self._chat_for(params, writing=False)
        if chat.messages.pop(_int_param(params, "message_id") or 0, None) is None:
            raise bad_request("message to delete not found")
        return True

    def _api_answerCallbackQuery(self, params: dict) -> bool:
        query = self._callbacks.get(str(params.get("callback_query_id") or ""))
        if query is None or query.answer is not None:
            raise bad_request(QUERY_INVALID.removeprefix("Bad Request: "))
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        self._notify(("callback", query.update_id))
        return True

    def _api_sendChatAction(self, params: dict) -> bool:
        self._chat_for(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _api_getChat(self, params: dict) -> dict:
        chat = self._chat_for(params, writing=False).chat_object()
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={**dict.fromkeys(gifts, True), "gifts_from_channels": False},
        )
        return chat

    # --- webhook bookkeeping (the server's pump calls these) ----------------------------

    webhook_retry_delay = 0.5  # seconds; Telegram backs off longer, tests have no time

    def _webhook_failed(self, message: str) -> None:
        with self._lock:
            self._webhook.last_error_date = int(self._clock())
            self._webhook.last_error_message = message

    def _webhook_delivered(self, update_id: int, body: bytes) -> None:
        with self._lock:
            self._pending = deque(u for u in self._pending if u["update_id"] != update_id)
            self._notify("confirmed")
        try:
            reply = json.loads(body) if body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return
        if isinstance(reply, dict) and isinstance(reply.get("method"), str):
            # A bot may answer a webhook with a method call; Telegram runs it, errors unseen.
            params = {k: v for k, v in reply.items() if k != "method"}
            entry = self.record(reply["method"], params)
            try:
                self.call(reply["method"], params)
                entry.status = 200
            except BotAPIError as error:
                entry.status, entry.description = error.error_code, error.description

    # --- conditions the wait_for_* methods of both front ends wait on -------------------

    def _next_bot_event(
        self, chat_id: int, include_edits: bool, match: MessageMatch | None = None
    ) -> Callable[[], dict | None]:
        """Read the chat's bot log in order; what is passed over counts as read."""

        def check() -> dict | None:
            chat = self._chats.get(chat_id)
            while chat is not None and chat.read_cursor < len(chat.bot_log):
                kind, message = chat.bot_log[chat.read_cursor]
                chat.read_cursor += 1
                if (kind == "message" or include_edits) and (match is None or match(message)):
                    return copy.deepcopy(message)
            return None

        return check

    def _requests_seen(self, method: str, count: int) -> Callable[[], list | None]:
        def check() -> list[RecordedRequest] | None:
            found = [r for r in self._requests if r.method.lower() == method.lower()]
            return found if len(found) >= count else None

        return check

    def _confirmed(self, update_id: int) -> Callable[[], bool | None]:
        def check() -> bool | None:
            return True if all(u["update_id"] != update_id for u in self._pending) else None

        return check

    def _answered(self, update_id: int) -> Callable[[], dict | None]:
        def check() -> dict | None:
            query = self._callbacks.get(self._callback_ids.get(update_id, ""))
            return copy.deepcopy(query.answer) if query and query.answer is not None else None

        return check

    def _timeout_report(self, what: str, chat_id: int | None = None) -> str:
        """Say what did happen, so a failing wait explains itself."""
        with self._lock:
            errors = [
                f"{r.method} {r.status} {r.description}" for r in self._requests if r.status >= 400
            ][-5:]
            sent = []
            if chat_id in self._chats:
                sent = [m.get("text", "")[:80] for _, m in self._chats[chat_id].bot_log[-5:]]
        return f"{what}; last bot messages there: {sent}; last failed requests: {errors}"


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then a form (urlencoded or multipart) or a JSON body."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        params.update(body)
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            params[key] = {"filename": value.filename, "size": len(value.file.read())}
        else:
            params[key] = value
    return params


class _Server:
    """The HTTP side: routes, long polling, and webhook delivery when a webhook is set."""

    def __init__(self, world: TelegramWorld, host: str, port: int) -> None:
        self.world = world
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._pump: asyncio.Task | None = None

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        # handler_cancellation: a poller that hangs up (or is kill -9ed) stops waiting here.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        with self.world._lock:
            self.world._closing = False
        self._pump = asyncio.create_task(self._webhook_pump())
        return f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        with self.world._lock:
            self.world._closing = True  # long polls answer [] now instead of hanging
            self.world._notify("updates", "webhook")
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(BotAPIError(404, "Not Found").payload(), status=404)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        entry: RecordedRequest | None = None
        try:
            self.world.check_token(request.match_info["token"])
            params = await _read_params(request)
            entry = self.world.record(method, params)
            if method.lower() == "getupdates":
                result = await self.world.get_updates(params)
            else:
                result = self.world.call(method, params)
        except BotAPIError as error:
            if entry is not None:
                entry.status, entry.description = error.error_code, error.description
            return web.json_response(error.payload(), status=error.error_code)
        except asyncio.CancelledError:
            if entry is not None:  # the client hung up (stop_polling, kill -9) mid-request
                entry.status, entry.description = 499, "client closed the connection"
            raise
        entry.status = 200
        return web.json_response({"ok": True, "result": result})

    async def _webhook_pump(self) -> None:
        """POST pending updates to the webhook, up to max_connections at once, retrying."""
        world = self.world
        in_flight: dict[int, asyncio.Task] = {}
        retry_at: dict[int, float] = {}

        def due() -> list[dict] | None:
            if world._closing:
                return []
            if not world._webhook.url:
                return None
            free = world._webhook.max_connections - len(in_flight)
            now = time.monotonic()
            ready = [
                u
                for u in world._deliverable(100)
                if u["update_id"] not in in_flight and retry_at.get(u["update_id"], 0) <= now
            ]
            return ready[:free] or None

        async with ClientSession(timeout=ClientTimeout(total=30)) as session:
            while not world._closing:
                batch = await world._wait_async("updates", due, 0.2) or []
                for update in batch:
                    update_id = update["update_id"]
                    task = asyncio.create_task(self._deliver(session, update))
                    in_flight[update_id] = task
                    task.add_done_callback(
                        lambda t, u=update_id: self._delivered(t, u, in_flight, retry_at)
                    )

    def _delivered(
        self, task: asyncio.Task, update_id: int, in_flight: dict, retry_at: dict
    ) -> None:
        in_flight.pop(update_id, None)
        if task.cancelled() or not task.result():
            retry_at[update_id] = time.monotonic() + self.world.webhook_retry_delay
        with self.world._lock:
            self.world._notify("updates")

    async def _deliver(self, session: ClientSession, update: dict) -> bool:
        hook = self.world._webhook
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        try:
            async with session.post(hook.url, json=update, headers=headers) as response:
                body = await response.read()
                failure = None
                if not 200 <= response.status < 300:
                    failure = (
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
        except Exception as error:  # noqa: BLE001 - any failure is a failed delivery
            failure = f"Connection failed: {type(error).__name__}"
            body = b""
        if failure:
            self.world._webhook_failed(failure)
            return False
        self.world._webhook_delivered(update["update_id"], body)
        return True


class _FrontEnd(TelegramWorld):
    """What both front ends share: the address and how a bot finds it."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, **world: Any) -> None:
        super().__init__(**world)
        self.url = ""  # base URL for TelegramAPIServer.from_base / TELEGRAM_API_URL
        self._server = _Server(self, host, port)

    def env(self) -> dict[str, str]:
        """Environment for a bot subprocess such as ``intake serve``."""
        return {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.url}

    def make_bot(self, **bot_kwargs: Any) -> Bot:
        """An aiogram Bot using its real aiohttp session against this server."""
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.url))
        return Bot(self.token, session=session, **bot_kwargs)

    def _found(self, found: T | None, what: str, chat_id: int | None = None) -> T:
        if found is None:
            raise TimeoutError(self._timeout_report(what, chat_id))
        return found


class FakeBotAPI(_FrontEnd):
    """The fake in the test's own event loop: ``async with FakeBotAPI() as tg``."""

    async def start(self) -> Self:
        self.url = await self._server.start()
        return self

    async def stop(self) -> None:
        await self._server.stop()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def wait_for_bot_message(
        self,
        chat_id: int,
        timeout: float = 5.0,
        *,
        include_edits: bool = False,
        match: MessageMatch | None = None,
    ) -> dict:
        """The next message (or, with include_edits, edit) the bot sent that chat, in order.

        Each call moves on; with ``match``, messages it rejects are passed over for good.
        """
        check = self._next_bot_event(chat_id, include_edits, match)
        found = await self._wait_async(("chat", chat_id), check, timeout)
        return self._found(found, f"no bot message to chat {chat_id} in {timeout}s", chat_id)

    async def expect_no_bot_message(self, chat_id: int, within: float = 0.3) -> None:
        found = await self._wait_async(
            ("chat", chat_id), self._next_bot_event(chat_id, True), within
        )
        assert found is None, f"the bot unexpectedly sent {found!r}"

    async def wait_for_callback_answer(self, update_id: int, timeout: float = 5.0) -> dict:
        found = await self._wait_async(("callback", update_id), self._answered(update_id), timeout)
        return self._found(found, f"button press {update_id} not answered in {timeout}s")

    async def wait_for_requests(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedRequest]:
        check = self._requests_seen(method, count)
        found = await self._wait_async(("request", method.lower()), check, timeout)
        return self._found(found, f"fewer than {count} {method} calls in {timeout}s")

    async def wait_until_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        found = await self._wait_async("confirmed", self._confirmed(update_id), timeout)
        self._found(found, f"update {update_id} not confirmed in {timeout}s")


class FakeBotAPIThread(_FrontEnd):
    """The fake in a thread with its own loop, for bots in another process or thread.

    ``with FakeBotAPIThread() as tg:`` then run ``intake serve`` with ``env=tg.env()``.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            try:
                self.url = loop.run_until_complete(self._server.start())
            except BaseException as error:  # noqa: BLE001 - handed to the starting thread
                failure.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._server.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise TimeoutError("the fake Bot API did not start within 10 s")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_for_bot_message(
        self,
        chat_id: int,
        timeout: float = 5.0,
        *,
        include_edits: bool = False,
        match: MessageMatch | None = None,
    ) -> dict:
        """The next message (or, with include_edits, edit) the bot sent that chat, in order.

        Each call moves on; with ``match``, messages it rejects are passed over for good.
        """
        found = self._wait_sync(self._next_bot_event(chat_id, include_edits, match), timeout)
        return self._found(found, f"no bot message to chat {chat_id} in {timeout}s", chat_id)

    def expect_no_bot_message(self, chat_id: int, within: float = 0.3) -> None:
        found = self._wait_sync(self._next_bot_event(chat_id, True), within)
        assert found is None, f"the bot unexpectedly sent {found!r}"

    def wait_for_callback_answer(self, update_id: int, timeout: float = 5.0) -> dict:
        found = self._wait_sync(self._answered(update_id), timeout)
        return self._found(found, f"button press {update_id} not answered in {timeout}s")

    def wait_for_requests(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedRequest]:
        found = self._wait_sync(self._requests_seen(method, count), timeout)
        return self._found(found, f"fewer than {count} {method} calls in {timeout}s")

    def wait_until_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        found = self._wait_sync(self._confirmed(update_id), timeout)
        self._found(found, f"update {update_id} not confirmed in {timeout}s")


@asynccontextmanager
async def polling(dispatcher: Dispatcher, bot: Bot, **kwargs: Any) -> AsyncIterator[None]:
    """Run ``dispatcher.start_polling(bot)`` for the duration of the block, then stop it."""
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, **kwargs))
    try:
        yield
    finally:
        try:
            await dispatcher.stop_polling()
        except RuntimeError:  # not started yet (or already ended): cancelling is enough
            task.cancel()
        done, _ = await asyncio.wait({task}, timeout=10)
        if not done:  # a handler that never returns must not hang the test run
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def run_against_fake(
    body: Callable[[FakeBotAPI, Bot], Awaitable[T]], timeout: float = 30, **fake: Any
) -> T:
    """Run an async test body with a fresh fake and an aiogram Bot pointed at it.

    For plain (non-asyncio-plugin) tests: ``run_against_fake(body)`` where
    ``async def body(tg, bot): ...``.
    """

    async def main() -> T:
        async with FakeBotAPI(**fake) as tg:
            bot = tg.make_bot()
            try:
                return await asyncio.wait_for(body(tg, bot), timeout)
            finally:
                await bot.session.close()

    return asyncio.run(main())
