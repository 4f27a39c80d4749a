"""The Telegram channel in `intake serve`: updates into the inbox, processing, sending."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import GetUpdates
from aiogram.types import Update
from sqlalchemy import Engine

from bot.telegram.commands import set_commands
from bot.telegram.ordered import store_updates
from bot.telegram.pollguard import PollerGuard
from bot.telegram.processor import UpdateProcessor, chat_of, raw_update
from bot.telegram.ratelimit import SendLimiter
from bot.telegram.transport import TelegramTransport
from intake.clock import Clock

log = logging.getLogger("intake.telegram")
POLL_TIMEOUT = 10  # seconds a getUpdates call may wait for news
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
GUARD_RETRY_SECONDS = float(os.environ.get("TELEGRAM_POLLER_RETRY_SECONDS") or 2.0)
PROCESS_THREADS = int(os.environ.get("TELEGRAM_PROCESS_THREADS") or 4)  # PostgreSQL only
GUARD_CHECK_SECONDS = 5.0  # how often the poller makes sure its lock's connection lives


def make_bot(token: str, api_url: str | None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else None
    return Bot(token, session=session)


def limiter_from_env() -> SendLimiter:
    # Limits protect the real Telegram; tests and benchmarks against a fake lift them (0).
    return SendLimiter(overall=float(os.environ.get("TELEGRAM_RATE_OVERALL", "25")),
                       per_chat=float(os.environ.get("TELEGRAM_RATE_PER_CHAT", "1")))


@dataclass
class TelegramService:
    bot: Bot
    engine: Engine
    clock: Clock
    username: str = ""
    transport: TelegramTransport = field(init=False)
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # set when updates are stored
    role: str = "starting"  # polling | standby | webhook
    on_role: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.transport = TelegramTransport(self.bot, limiter_from_env())
        # On PostgreSQL several threads process at once, each with its own processor (and
        # event loop): the chat locks keep each chat in order, and the engine's many small
        # queries wait on the server in parallel. SQLite has one writer: one thread.
        threads = PROCESS_THREADS if self.engine.dialect.name == "postgresql" else 1
        self.processors = [UpdateProcessor(self.bot) for _ in range(threads)]

    async def start(self, webhook_url: str | None = None,
                    webhook_secret: str | None = None) -> None:
        """Who the bot is, the webhook set (or none in the way of polling), the command menu."""
        me = await self.bot.get_me()
        self.username = me.username or ""
        if webhook_url:
            # Telegram POSTs every update there with the secret in a header; the web server's
            # route stores it before answering 200 (bot/telegram/webhook.py).
            await self.bot.set_webhook(webhook_url, secret_token=webhook_secret,
                                       allowed_updates=ALLOWED_UPDATES,
                                       drop_pending_updates=False)
        else:
            await self.bot.delete_webhook(drop_pending_updates=False)
        await set_commands(self.bot)

    async def poll(self, stop: asyncio.Event) -> None:
        """Poll while this process holds the token's poller lock; otherwise stand by."""
        guard = PollerGuard(self.engine, self.bot.token)
        standing_by = False
        try:
            while not stop.is_set():
                if not await asyncio.to_thread(guard.acquire):
                    if not standing_by:
                        log.info("another intake serve polls this bot; standing by")
                        self._set_role("standby")
                        standing_by = True
                    await _sleep_or_stop(GUARD_RETRY_SECONDS, stop)
                    continue
                standing_by = False
                self._set_role("polling")
                await self._poll_while_held(guard, stop)
        finally:
            await asyncio.to_thread(guard.release)

    def _set_role(self, role: str) -> None:
        self.role = role
        if self.on_role is not None:
            self.on_role(role)

    async def _poll_while_held(self, guard: PollerGuard, stop: asyncio.Event) -> None:
        """getUpdates; each update is committed to the inbox before the offset moves on."""
        offset: int | None = None
        failures = 0
        checked = time.monotonic()
        while not stop.is_set():
            if time.monotonic() - checked > GUARD_CHECK_SECONDS:
                checked = time.monotonic()
                if not await asyncio.to_thread(guard.still_held):
                    return  # the lock went with its connection: back to trying for it
            try:
                updates = await _until_stopped(self.bot(GetUpdates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES),
                    request_timeout=POLL_TIMEOUT + 10), stop)
            except Exception:  # noqa: BLE001 - the network comes back; updates wait at Telegram
                failures += 1
                log.exception("getUpdates failed")
                await _sleep_or_stop(min(2 ** failures, 30), stop)
                continue
            failures = 0
            if updates is None:
                return
            if updates:
                await asyncio.to_thread(self._store, updates)
                offset = updates[-1].update_id + 1
                self.wake.set()
                await self._answer_buttons(updates)

    async def receive(self, update: Update) -> None:
        """An update from the webhook: committed to the inbox before the caller answers 200."""
        await asyncio.to_thread(self._store, [update])
        self.wake.set()

    def _store(self, updates: list[Update]) -> None:
        store_updates(self.engine, [(u.update_id, raw_update(u), _chat_text(chat_of(u)))
                                    for u in updates], self.clock())

    async def _answer_buttons(self, updates: list[Update]) -> None:
        # Stops the spinner on the pressed button; the real reply comes through the outbox.
        for update in updates:
            if update.callback_query is not None:
                with contextlib.suppress(Exception):
                    await self.bot.answer_callback_query(update.callback_query.id)

    async def close(self) -> None:
        await self.bot.session.close()
        for processor in self.processors:
            processor.close()


async def _until_stopped(call: Awaitable[list[Update]], stop: asyncio.Event) -> list[Update] | None:
    """The call's result, or None when `stop` is set first (the call is cancelled)."""
    task = asyncio.ensure_future(call)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(BaseException):
        await task
    return None


async def _sleep_or_stop(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _chat_text(chat: int | None) -> str | None:
    return str(chat) if chat is not None else None
