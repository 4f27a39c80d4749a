"""Real parts for mail tests: `intake serve` as a process, an aiosmtpd relay sink, smtplib."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from intake.paths import PROJECT_ROOT
from storage.db import make_engine, transaction
from tests.helpers import load_roster, open_test_round
from tests.mailkit import read

REPLY_DOMAIN = "svar.example.se"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


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


class Serve:
    """`intake serve` in its own process, against the test's database and sink."""

    def __init__(self, db_url: str, tmp_path: Path, sink: Sink, **extra_env: str):
        self.smtp_port, self.web_port = free_port(), free_port()
        self.env = os.environ | {
            "DATABASE_URL": db_url, "INTAKE_VAR_DIR": str(tmp_path / "var"),
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_TLS": "none",
            "MAIL_REPLY_DOMAIN": REPLY_DOMAIN, "MAIL_FROM": f"Uppföljning <intake@{REPLY_DOMAIN}>",
            "INBOUND_SMTP_HOST": "127.0.0.1", "INBOUND_SMTP_PORT": str(self.smtp_port),
            "WEB_HOST": "127.0.0.1", "WEB_PORT": str(self.web_port),
            "TELEGRAM_BOT_TOKEN": "", "INTAKE_FAKE_NOW": "", "LOG_LEVEL": "WARNING",
        } | extra_env
        self.log = tmp_path / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "intake.cli", "serve"], cwd=PROJECT_ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT)
        try:
            # Generous: a loaded machine can take many seconds to import and migrate.
            wait_for(self._listening, timeout=180, what=f"serve to listen; log:\n{self.log}")
        except BaseException:
            self.kill()  # never leave a serve behind to load the machine and hold the database
            raise

    def _listening(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log.read_text()
        try:
            socket.create_connection(("127.0.0.1", self.smtp_port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def smtp(self) -> smtplib.SMTP:
        """A connection as the organisation's mail server opens it when forwarding."""
        return smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10)

    def forward(self, raw: bytes, to: str, mail_from: str = "kim.exempelsson@example.se") -> None:
        with self.smtp() as client:
            client.sendmail(mail_from, [to], raw)


def open_round_now(db_url: str) -> datetime:
    """The sample roster and a round opened now by the real clock, as `serve` keeps time."""
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    try:
        load_roster(engine, now)
        open_test_round(engine, now, deadline=now + timedelta(days=30))
        with transaction(engine):
            pass
    finally:
        engine.dispose()
    return now


def reply_to_of(message: EmailMessage) -> str:
    return str(message["Reply-To"]).strip("<> ")


def first_question(sink: Sink, address: str = "kim.exempelsson@example.se") -> EmailMessage:
    return wait_for(lambda: sink.mails_to(address, "question"), what="the invitation")[0]


def rows(db_url: str, model: type, *where: Any) -> list[Any]:
    """The rows of one table, read in a fresh connection while serve runs."""
    from sqlmodel import select

    engine = make_engine(db_url)
    try:
        with transaction(engine) as session:
            found = list(session.exec(select(model).where(*where)))
            session.expunge_all()
            return found
    finally:
        engine.dispose()


@contextmanager
def running(db_url: str, tmp_path: Path, **env: str) -> Iterator[tuple[Serve, Sink]]:
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    serve = Serve(db_url, tmp_path, sink, **env)
    serve.start()
    try:
        yield serve, sink
    finally:
        serve.stop()
        sink.stop()
