"""`intake serve`: the wiring that starts every part in one process and one event loop.

This and the command line are the only modules of intake/ that import bot/.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable

import uvicorn
from sqlalchemy import Engine

from bot.mail.inbound import InboundHandler, smtp_factory
from bot.mail.outbound import MailTransport
from intake.clock import Clock
from intake.inbox import process_pending
from intake.outbox import Transport, claim_due, deliver_due, send_claimed
from intake.reminders import sweep
from intake.settings import Settings
from intake.web.app import create_app

log = logging.getLogger("intake.serve")
WORKER_INTERVAL = 1.0
SWEEP_SECONDS = 60.0  # the reminder ladder is in whole minutes; INTAKE_SWEEP_SECONDS overrides


def sweep_seconds() -> float:
    """The reminder sweep interval; tests shorten it so two servers race within seconds."""
    raw = os.environ.get("INTAKE_SWEEP_SECONDS", "").strip()
    try:
        seconds = float(raw) if raw else SWEEP_SECONDS
    except ValueError:
        raise SystemExit(f"INTAKE_SWEEP_SECONDS must be a number of seconds, got {raw!r}") from None
    if seconds <= 0:
        raise SystemExit(f"INTAKE_SWEEP_SECONDS must be positive, got {raw!r}")
    return seconds


def build_transports(settings: Settings, clock: Clock) -> dict[str, Transport]:
    """The outbox transports this process can run, by channel; `serve` and `remind` share it.

    Hook for the Telegram channel: when TELEGRAM_BOT_TOKEN is set, register its transport
    here as transports["telegram"]. Until then Telegram rows stay pending (nobody claims
    them) rather than failing.
    """
    transports: dict[str, Transport] = {"email": MailTransport(settings, clock)}
    return transports


async def deliver_pending(engine: Engine, transports: dict[str, Transport], clock: Clock,
                          worker: str) -> tuple[int, int]:
    """Send everything due for the running channels, until nothing is left to claim.

    Returns (sent, not sent). A row that fails is rescheduled after `clock()` by its back-off,
    so it is not claimed again here and the loop ends.
    """
    sent = failed = 0
    while deliveries := claim_due(engine, clock(), worker, channels=list(transports)):
        done = await send_claimed(engine, deliveries, transports, clock)
        sent, failed = sent + done, failed + len(deliveries) - done
    return sent, failed


async def every(seconds: float, job: Callable[[], Awaitable[object]], stop: asyncio.Event) -> None:
    """Run `job` until `stop`; a failing pass is logged and the next one runs as usual."""
    while not stop.is_set():
        try:
            await job()
        except Exception:  # noqa: BLE001 - one bad pass must not stop the service
            log.exception("background job failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)


async def run_services(settings: Settings, engine: Engine, clock: Clock,
                       stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    started: dict[str, str] = {}
    worker = f"{socket.gethostname()}:{os.getpid()}"

    handler = InboundHandler(engine, clock, settings.mail_reply_domain)
    smtp_server = await loop.create_server(
        smtp_factory(handler), host=settings.inbound_smtp_host, port=settings.inbound_smtp_port)
    started["inbound SMTP"] = f"{settings.inbound_smtp_host}:{settings.inbound_smtp_port}"

    transports = build_transports(settings, clock)
    started["outgoing mail"] = (f"relay {settings.smtp_host}:{settings.smtp_port}"
                                if settings.smtp_host else f"maildir {settings.maildir}")
    started["web"] = settings.public_url
    started["reminders"] = f"sweep every {sweep_seconds():g} s"
    if settings.telegram_bot_token:
        started["telegram"] = "not built yet: the token is ignored"
    web = uvicorn.Server(uvicorn.Config(
        create_app(engine, clock, started), host=settings.web_host, port=settings.web_port,
        log_level="warning", lifespan="off"))
    web.install_signal_handlers = lambda: None  # type: ignore[method-assign]

    async def deliver() -> None:
        await deliver_due(engine, transports, clock, worker, channels=list(transports))

    async def remind() -> None:
        await asyncio.to_thread(sweep, engine, clock())

    async def process() -> None:
        await asyncio.to_thread(process_pending, engine, {}, clock)

    tasks = [
        asyncio.create_task(web.serve(), name="web"),
        asyncio.create_task(every(WORKER_INTERVAL, deliver, stop), name="outbox"),
        asyncio.create_task(every(WORKER_INTERVAL, process, stop), name="inbox"),
        asyncio.create_task(every(sweep_seconds(), remind, stop), name="reminders"),
    ]
    for name, where in started.items():
        print(f"intake serve: {name}: {where}", flush=True)
    await stop.wait()
    smtp_server.close()
    web.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)
    await smtp_server.wait_closed()


def serve_forever(settings: Settings, engine: Engine, clock: Clock) -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_services(settings, engine, clock, stop)

    asyncio.run(main())
