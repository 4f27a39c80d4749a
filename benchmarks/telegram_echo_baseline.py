"""The ceiling of the Telegram stack on this machine: a bare aiogram echo bot.

N simulated users (default 50) each send M messages (default 20), one after another,
each waiting for the bot's answer before writing again, all users at once. Measured end
to end: the update is injected at the fake Bot API, and the clock stops when the bot's
sendMessage arrives back at the fake.

    .venv/bin/python benchmarks/telegram_echo_baseline.py [--users 50] [--messages 20]
        [--mode subprocess|inprocess]

``--mode subprocess`` (the default) runs the bot in its own process, as ``intake serve``
runs, so bot and fake do not share one event loop; ``inprocess`` runs it in the fake's loop.

The project's own bot benchmark reuses ``measure``: pass a ``start_bot(fake)`` async
context manager that starts that bot against the fake (``fake.env()`` for a subprocess)
and, if answers need a linked contact first, a ``prepare_user(fake, user_id)`` coroutine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Dispatcher, F, Router  # noqa: E402
from aiogram.types import Message  # noqa: E402

from tests.support.fake_telegram import FakeBotAPI, polling  # noqa: E402

BotStarter = Callable[[FakeBotAPI], AbstractAsyncContextManager[Any]]
UserHook = Callable[[FakeBotAPI, int], Awaitable[None]]


@dataclass
class Throughput:
    messages: int
    seconds: float
    latencies: list[float]

    @property
    def msgs_per_s(self) -> float:
        return self.messages / self.seconds

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def default_text(user_id: int, n: int) -> str:
    return f"Svar {n} från användare {user_id}: vi har ökat antalet besök med 12 %."


async def measure(
    start_bot: BotStarter,
    users: int = 50,
    messages: int = 20,
    *,
    prepare_user: UserHook | None = None,
    make_text: Callable[[int, int], str] = default_text,
    first_user_id: int = 1001,
    reply_timeout: float = 30.0,
    startup_timeout: float = 60.0,
) -> Throughput:
    """Messages per second end to end, for ``users`` users each sending ``messages``.

    Every user first sends one untimed warm-up message (and runs ``prepare_user`` before
    it), so start-up and first-call costs stay out of the figure. Each answer is taken to
    be the bot's next message to that chat.
    """
    user_ids = range(first_user_id, first_user_id + users)
    async with FakeBotAPI() as fake, start_bot(fake):

        async def warm_up(user_id: int) -> None:
            if prepare_user is not None:
                await prepare_user(fake, user_id)
            fake.send_user_message(user_id, make_text(user_id, 0), first_name="Kim")
            await fake.wait_for_bot_message(user_id, timeout=startup_timeout)

        async def converse(user_id: int) -> list[float]:
            latencies = []
            for n in range(1, messages + 1):
                sent = time.perf_counter()
                fake.send_user_message(user_id, make_text(user_id, n))
                await fake.wait_for_bot_message(user_id, timeout=reply_timeout)
                latencies.append(time.perf_counter() - sent)
            return latencies

        await asyncio.gather(*(warm_up(u) for u in user_ids))
        started = time.perf_counter()
        per_user = await asyncio.gather(*(converse(u) for u in user_ids))
        elapsed = time.perf_counter() - started
    latencies = [latency for user in per_user for latency in user]
    return Throughput(len(latencies), elapsed, latencies)


def echo_router() -> Router:
    router = Router(name="echo")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    return router


@asynccontextmanager
async def inprocess_echo_bot(fake: FakeBotAPI) -> AsyncIterator[None]:
    """The echo bot polling in the fake's own event loop."""
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    bot = fake.make_bot()
    async with polling(dispatcher, bot):
        yield


@asynccontextmanager
async def subprocess_echo_bot(fake: FakeBotAPI) -> AsyncIterator[None]:
    """The echo bot as its own process, configured like `intake serve` by the environment."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve-echo", env={**os.environ, **fake.env()}
    )
    try:
        yield
    finally:
        process.terminate()
        await process.wait()


async def serve_echo() -> None:
    """Entry point of the subprocess: poll TELEGRAM_API_URL with TELEGRAM_BOT_TOKEN."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=AiohttpSession(api=api))
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    await dispatcher.start_polling(bot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--mode", choices=("subprocess", "inprocess"), default="subprocess")
    parser.add_argument("--serve-echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        asyncio.run(serve_echo())
        return
    starter = subprocess_echo_bot if args.mode == "subprocess" else inprocess_echo_bot
    result = asyncio.run(measure(starter, args.users, args.messages))
    print(
        f"echo_baseline msgs_per_s={result.msgs_per_s:.1f} users={args.users} "
        f"messages={args.messages} mode={args.mode} "
        f"p50_ms={result.percentile_ms(0.5):.1f} p95_ms={result.percentile_ms(0.95):.1f} "
        f"median_s={statistics.median(result.latencies):.4f}"
    )


if __name__ == "__main__":
    main()
