"""Real parts for mail tests: an aiosmtpd relay sink that `serve` sends through, `serve` set up
for mail against it, and reading the database while it runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from sqlmodel import select

from intake.clock import from_db
from storage.db import make_engine, transaction
from storage.models import Inbox, Outbox
from tests.support.helpers import load_roster, open_test_round
from tests.support.mailkit import read
from tests.support.serve import Serve
from tests.support.waiting import free_port, wait_until

REPLY_DOMAIN = "svar.example.se"
KIM = "kim.exempelsson@example.se"


class Sink:
    """The relay `serve` sends through: keeps every envelope; can be stopped and restarted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        message = read(envelope.original_content or b"")
        message["Return-Path"] = f"<{envelope.mail_from}>"
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mails_to(self, address: str, kind: str | None = None) -> list[EmailMessage]:
        with self.lock:
            return [m for _, rcpts, m in self.received
                    if address in rcpts and (kind is None or m["X-Intake-Kind"] == kind)]


def mail_env(db_url: str, tmp_path: Path, sink: Sink, **extra: str) -> dict[str, str]:
    """`serve` on the test's database, sending through `sink`, taking replies by SMTP."""
    return {
        "DATABASE_URL": db_url, "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_TLS": "none",
        "MAIL_REPLY_DOMAIN": REPLY_DOMAIN, "MAIL_FROM": f"Uppföljning <intake@{REPLY_DOMAIN}>",
        "TELEGRAM_BOT_TOKEN": "", "INTAKE_FAKE_NOW": "",
    } | extra


def mail_serve(db_url: str, tmp_path: Path, sink: Sink, **extra: str) -> Serve:
    """A (not yet started) `serve` for mail; its log is tmp_path/serve.log."""
    return Serve(mail_env(db_url, tmp_path, sink, **extra), tmp_path / "serve.log")


def open_round_now(db_url: str) -> datetime:
    """The sample roster and a round opened now by the real clock, as `serve` keeps time."""
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    try:
        load_roster(engine, now)
        open_test_round(engine, now, deadline=now + timedelta(days=30))
    finally:
        engine.dispose()
    return now


def reply_to_of(message: EmailMessage) -> str:
    return str(message["Reply-To"]).strip("<> ")


def first_question(sink: Sink, address: str = KIM) -> EmailMessage:
    return wait_until(lambda: sink.mails_to(address, "question"), what="the invitation")[0]


def rows(db_url: str, model: type, *where: Any) -> list[Any]:
    """The rows of one table, read in a fresh connection while serve runs."""
    engine = make_engine(db_url)
    try:
        with transaction(engine) as session:
            found = list(session.exec(select(model).where(*where)))
            session.expunge_all()
            return found
    finally:
        engine.dispose()


def settled(db_url: str) -> bool:
    """Every stored mail is processed and every message due is sent (or given up): from here
    on nothing more goes out until something new comes in (or a reminder falls due)."""
    if rows(db_url, Inbox, Inbox.status == "pending"):
        return False
    now = datetime.now(UTC)
    return not [r for r in rows(db_url, Outbox) if r.status == "sending"
                or (r.status == "pending" and from_db(r.due_at) <= now)]


@contextmanager
def running(db_url: str, tmp_path: Path, **env: str) -> Iterator[tuple[Serve, Sink]]:
    """The sample round opened now, a sink, and `serve` for mail, until the block ends."""
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    try:
        with mail_serve(db_url, tmp_path, sink, **env) as serve:
            yield serve, sink
    finally:
        sink.stop()
