"""`intake serve`: the wiring that starts every part in one process and one event loop.

This and the command line are the only modules of intake/ that import bot/.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import uvicorn
from sqlalchemy import Engine

from bot.mail.draining import SmtpGate
from bot.mail.inbound import InboundHandler, smtp_factory
from bot.mail.outbound import MailTransport, mail_channel
from bot.mail.probe import probe_relay
from bot.mail.processing import process_mail
from bot.mail.replies import proposed_answer
from intake.clock import Clock
from intake.messaging.channels import Channel, Registry
from intake.messaging.held import use_reply_reader
from intake.messaging.inbox import Processor, process_pending
from intake.messaging.outbox import (
    LEASE,
    Delivery,
    TransientError,
    claim_due,
    deliver_due,
    release_outage,
    renew_leases,
    send_claimed,
    worker_identity,
)
from intake.operations.health import RELAY_CHECK_SECONDS, HealthMonitor, seconds_from_env
from intake.operations.lifecycle import (
    PURGE_SECONDS,
    finish,
    purge_job,
    release_claims,
    shutdown_grace,
)
from intake.operations.logs import configure_logging
from intake.rounds.reminders import sweep
from intake.settings import Settings
from intake.web.app import create_app

if TYPE_CHECKING:
    from bot.telegram.service import TelegramService

log = logging.getLogger("intake.serve")
# Tests stretch it to catch serve between a stored mail and its processing.
WORKER_INTERVAL = float(os.environ.get("INTAKE_WORKER_INTERVAL") or 1.0)
SWEEP_SECONDS = 60.0  # the reminder ladder is in whole minutes; INTAKE_SWEEP_SECONDS overrides


def sweep_seconds() -> float:
    """The reminder sweep interval; tests shorten it so two servers race within seconds."""
    return seconds_from_env("INTAKE_SWEEP_SECONDS", SWEEP_SECONDS)


async def every(seconds: float, job: Callable[[], Awaitable[object]], stop: asyncio.Event,
                wake: asyncio.Event | None = None) -> None:
    """Run `job` until `stop`, every `seconds` or sooner when `wake` is set."""
    wake = wake or asyncio.Event()
    while not stop.is_set():
        wake.clear()
        try:
            await job()
        except Exception:  # noqa: BLE001 - one bad pass must not stop the service
            log.exception("background job failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_first(stop, wake), timeout=seconds)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def run_services(settings: Settings, engine: Engine, clock: Clock,
                       stop: asyncio.Event) -> None:
    if settings.telegram_bot_token and settings.telegram_webhook_url \
            and not settings.telegram_webhook_secret:
        raise SystemExit("TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL")
    loop = asyncio.get_running_loop()
    started: dict[str, str] = {}
    worker = worker_identity()

    inbox_wake = asyncio.Event()
    # A stored mail is processed at once; INTAKE_INBOX_WAKE=0 leaves it to the next pass.
    wake_on_mail = os.environ.get("INTAKE_INBOX_WAKE", "1") != "0"
    handler = InboundHandler(engine, clock, settings.mail_reply_domain,
                             inbox_wake.set if wake_on_mail else None)
    gate = SmtpGate()  # on SIGTERM: finish the mail in hand, answer 421 to the rest
    smtp_server = await loop.create_server(
        gate.wrap(smtp_factory(handler)), host=settings.inbound_smtp_host,
        port=settings.inbound_smtp_port)
    started["inbound SMTP"] = f"{settings.inbound_smtp_host}:{settings.inbound_smtp_port}"

    transports = Registry()
    telegram = await _start_telegram(settings, engine, clock, transports)
    transports.register(mail_channel(
        MailTransport(settings, clock, telegram.username if telegram else None)))
    started["outgoing mail"] = (f"relay {settings.smtp_host}:{settings.smtp_port}"
                                if settings.smtp_host else f"maildir {settings.maildir}")
    started["web"] = settings.public_url
    health = _health(engine, clock, gate, smtp_server, telegram)
    if settings.smtp_host:
        transports["email"] = _reporting_outages(transports["email"], health)
    use_reply_reader(proposed_answer)  # held mail is read by the same rules as a reply
    app = create_app(engine, clock, started, settings, health=health,
                     bot_username=lambda: telegram.username if telegram else None)
    if telegram is not None:
        def show_role(role: str) -> None:  # /healthz shows whether this serve polls
            started["telegram"] = f"@{telegram.username} {role} {settings.telegram_api_url or ''}"
        telegram.on_role = show_role
        show_role("webhook" if settings.telegram_webhook_url else "starting")
        if settings.telegram_webhook_url:
            from bot.telegram.webhook import TelegramWebhook, webhook_path

            app = TelegramWebhook(app, telegram, webhook_path(settings.telegram_webhook_url),
                                  settings.telegram_webhook_secret or "")
    started["reminders"] = f"sweep every {sweep_seconds():g} s"
    web = uvicorn.Server(uvicorn.Config(
        app, host=settings.web_host,
        port=settings.web_port, log_level="warning", lifespan="off", log_config=None,
        access_log=False))  # paths carry one-time login tokens: never log them
    web.install_signal_handlers = lambda: None  # type: ignore[method-assign]

    outbox_wake = asyncio.Event()

    async def deliver() -> None:
        # Several passes while there is more: a burst of replies should not wait a second.
        while not stop.is_set() and await deliver_due(
                engine, transports, clock, worker, mail_domain=settings.mail_reply_domain):
            pass

    async def renew() -> None:  # the lease on what this worker is sending
        await asyncio.to_thread(renew_leases, engine, worker, clock())

    async def relay_back() -> None:  # mails in back-off for the outage go now
        if await asyncio.to_thread(release_outage, engine, "email", clock()):
            outbox_wake.set()

    async def remind() -> None:
        if (await asyncio.to_thread(sweep, engine, clock())).reminders:
            outbox_wake.set()  # deliver now, not at the next worker pass

    # One inbox processor for every channel; on PostgreSQL several threads at once (the
    # conversation locks keep each conversation in order), on SQLite one writer, one thread.
    workers: list[dict[str, Processor]] = [{"email": process_mail}]
    if telegram is not None:
        telegram.wake = inbox_wake
        workers = [{"email": process_mail, "telegram": p} for p in telegram.processors]

    async def process() -> None:
        while not stop.is_set():
            done = sum(await asyncio.gather(*(
                asyncio.to_thread(process_pending, engine, processors, clock)
                for processors in workers)))
            if not done:
                return
            outbox_wake.set()  # the answers' next questions go out now, not at the next pass

    tasks = [
        asyncio.create_task(web.serve(), name="web"),
        asyncio.create_task(every(WORKER_INTERVAL, deliver, stop, outbox_wake), name="outbox"),
        asyncio.create_task(every(WORKER_INTERVAL, process, stop, inbox_wake), name="inbox"),
        asyncio.create_task(every(LEASE.total_seconds() / 3, renew, stop), name="leases"),
        asyncio.create_task(every(sweep_seconds(), remind, stop), name="reminders"),
        asyncio.create_task(every(PURGE_SECONDS, purge_job(
            engine, clock, settings.raw_retention_days), stop), name="privacy purge"),
    ]
    if settings.smtp_host:
        tasks.append(asyncio.create_task(health.watch(
            "relay", f"{settings.smtp_host}:{settings.smtp_port}",
            lambda: probe_relay(settings),
            seconds_from_env("RELAY_CHECK_SECONDS", RELAY_CHECK_SECONDS), stop,
            on_back=relay_back), name="relay"))
    else:
        health.add_check("relay", lambda: {"ok": True, "configured": False})  # the maildir
    tasks += _mailbox_tasks(settings, engine, clock, health, started, stop,
                            inbox_wake.set if wake_on_mail else None)
    if telegram is not None:
        service = telegram
        if settings.telegram_webhook_url:
            health.add_check("telegram", lambda: {"ok": True, "webhook": True})
        else:
            poller = asyncio.create_task(telegram.poll(stop), name="telegram poll")
            tasks.append(poller)
            # A standby (another serve holds the poller lock) is healthy too.
            health.add_check("telegram", lambda: {"ok": not poller.done(),
                                                  "polling": service.role == "polling"})
    for name, where in started.items():
        print(f"intake serve: {name}: {where}", flush=True)
    await stop.wait()
    await _shut_down(engine, worker, gate, smtp_server, web, tasks)
    if telegram is not None:
        await telegram.close()


async def _shut_down(engine: Engine, worker: str, gate: SmtpGate, smtp_server: asyncio.Server,
                     web: uvicorn.Server, tasks: list[asyncio.Task[object]]) -> None:
    """SIGTERM: 421 to new mail, the message in hand finished, this worker's claims freed."""
    grace = shutdown_grace()
    log.info("shutting down", extra={"event": "shutdown", "grace_seconds": grace})
    clean = await gate.drain(grace / 2)
    smtp_server.close()
    web.should_exit = True
    cut = await finish(tasks, grace / 2)
    released = release_claims(engine, worker)
    log.info("stopped", extra={"event": "stopped", "smtp_drained": clean,
                               "cancelled": ",".join(cut), "outbox_released": released})


def _health(engine: Engine, clock: Clock, gate: SmtpGate, smtp_server: asyncio.Server,
            telegram: TelegramService | None) -> HealthMonitor:
    """/healthz: the database and outbox, the SMTP listener, the Telegram poller, the relay."""
    health = HealthMonitor(engine, clock)
    health.add_check("inbound_smtp", lambda: {
        "ok": smtp_server.is_serving() and not gate.draining, "draining": gate.draining,
        "connections": len(gate.sessions)})
    if telegram is None:
        health.add_check("telegram", lambda: {"ok": True, "configured": False})
    return health


def _mailbox_tasks(settings: Settings, engine: Engine, clock: Clock, health: HealthMonitor,
                   started: dict[str, str], stop: asyncio.Event,
                   on_stored: Callable[[], None] | None) -> list[asyncio.Task[None]]:
    """The mailbox reader (IMAP_HOST) and the OAuth token's part on /healthz."""
    from bot.mail.oauth import token_source, uses_oauth

    if uses_oauth(settings):
        health.add_check("oauth", token_source(settings).health)
    if not settings.imap_host:
        return []
    from bot.mail.imap import MailboxReader

    reader = MailboxReader(settings, engine, clock, on_stored)
    health.add_check("mailbox", reader.health)
    started["mailbox"] = f"imap {settings.imap_host}:{settings.imap_port} {settings.imap_folder}"
    return [asyncio.create_task(reader.run(stop), name="mailbox")]


def _reporting_outages(channel: Channel, health: HealthMonitor) -> Channel:
    """The mail channel, telling /healthz when the relay is down, so its probe looks again
    soon and, once the relay is back, the mails waiting for it go at once."""
    def report(outcome: object) -> None:
        if isinstance(outcome, TransientError) and outcome.outage:
            health.failed("relay", str(outcome))

    async def send(delivery: Delivery) -> object:
        try:
            return await channel.send(delivery)
        except TransientError as exc:
            report(exc)
            raise

    async def send_batch(deliveries: Sequence[Delivery]) -> list[object]:
        assert channel.send_batch is not None
        outcomes = await channel.send_batch(deliveries)
        for outcome in outcomes:
            report(outcome)
        return outcomes

    return replace(channel, send=send,
                   send_batch=send_batch if channel.send_batch is not None else None)


async def _start_telegram(settings: Settings, engine: Engine, clock: Clock,
                          transports: Registry) -> TelegramService | None:
    """The Telegram channel, only when a bot token is configured."""
    if not settings.telegram_bot_token:
        return None
    # Imported only with a token: aiogram builds hundreds of models on import (seconds), which
    # a mail-only serve never needs.
    from bot.telegram.service import TelegramService, make_bot
    from bot.telegram.transport import telegram_channel

    service = TelegramService(make_bot(settings.telegram_bot_token, settings.telegram_api_url),
                              engine, clock)
    await service.start(settings.telegram_webhook_url, settings.telegram_webhook_secret)
    transports.register(telegram_channel(service.transport))
    return service


@contextlib.asynccontextmanager
async def delivery_transports(settings: Settings, clock: Clock) -> AsyncIterator[Registry]:
    """The transports for a one-off delivery outside `serve` (`intake remind`).

    Mail always; Telegram when TELEGRAM_BOT_TOKEN is set, sending only (no polling, the
    webhook and command menu left as `serve` set them). Without a token Telegram rows stay
    pending for a `serve` that has one, instead of burning retries here.
    """
    transports = Registry()
    bot = None
    username = None
    if settings.telegram_bot_token:
        from bot.telegram.service import limiter_from_env, make_bot
        from bot.telegram.transport import TelegramTransport, telegram_channel

        bot = make_bot(settings.telegram_bot_token, settings.telegram_api_url)
        try:
            username = (await bot.get_me()).username
            transports.register(telegram_channel(TelegramTransport(bot, limiter_from_env())))
        except Exception as exc:  # noqa: BLE001 - mail still goes; chat rows wait for serve
            log.warning("Telegram unavailable, its messages stay queued: %s", exc)
    transports.register(mail_channel(MailTransport(settings, clock, username)))
    try:
        yield transports
    finally:
        if bot is not None:
            await bot.session.close()


async def deliver_pending(settings: Settings, engine: Engine, clock: Clock,
                          worker: str) -> tuple[list[str], int, int]:
    """Send everything due on the channels available here, until nothing is left to claim.

    Returns (channels, sent, not sent). A row that fails is rescheduled after `clock()` by
    its back-off, so it is not claimed again here and the loop ends.
    """
    sent = failed = 0
    stop = asyncio.Event()

    async def renew() -> None:
        await asyncio.to_thread(renew_leases, engine, worker, clock())

    leases = asyncio.create_task(every(LEASE.total_seconds() / 3, renew, stop))
    try:
        async with delivery_transports(settings, clock) as transports:
            channels = sorted(transports)
            while deliveries := claim_due(engine, clock(), worker, channels=channels,
                                          mail_domain=settings.mail_reply_domain):
                done = await send_claimed(engine, deliveries, transports, clock)
                sent, failed = sent + done, failed + len(deliveries) - done
    finally:
        stop.set()
        await leases
    return channels, sent, failed


def serve_forever(settings: Settings, engine: Engine, clock: Clock) -> None:
    configure_logging(os.environ.get("LOG_FORMAT"), os.environ.get("LOG_LEVEL"))

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_services(settings, engine, clock, stop)

    asyncio.run(main())
