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
from bot.mail.processing import process_mail
from bot.mail.unattended import mark_undeliverable
from intake.clock import Clock
from intake.inbox import process_pending
from intake.outbox import deliver_due
from intake.settings import Settings
from intake.web.app import create_app

log = logging.getLogger("intake.serve")
# Tests stretch it to catch serve between a stored mail and its processing.
WORKER_INTERVAL = float(os.environ.get("INTAKE_WORKER_INTERVAL") or 1.0)


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

    transports = {"email": MailTransport(settings, clock)}
    started["outgoing mail"] = (f"relay {settings.smtp_host}:{settings.smtp_port}"
                                if settings.smtp_host else f"maildir {settings.maildir}")
    started["web"] = settings.public_url
    if settings.telegram_bot_token:
        started["telegram"] = "not built yet: the token is ignored"
    web = uvicorn.Server(uvicorn.Config(
        create_app(engine, clock, started), host=settings.web_host, port=settings.web_port,
        log_level="warning", lifespan="off"))
    web.install_signal_handlers = lambda: None  # type: ignore[method-assign]

    async def deliver() -> None:
        await deliver_due(engine, transports, clock, worker, on_undeliverable=mark_undeliverable)

    async def process() -> None:
        await asyncio.to_thread(process_pending, engine, {"email": process_mail}, clock)

    tasks = [
        asyncio.create_task(web.serve(), name="web"),
        asyncio.create_task(every(WORKER_INTERVAL, deliver, stop), name="outbox"),
        asyncio.create_task(every(WORKER_INTERVAL, process, stop), name="inbox"),
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
