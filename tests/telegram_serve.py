"""Running `intake serve` as a subprocess against the fake Bot API, and talking to it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from fake_telegram import FakeBotAPIThread
from sqlalchemy import Engine
from sqlmodel import col, select

from intake.clock import as_utc
from intake.forms import find_form
from intake.rounds.opening import open_round
from storage.db import transaction
from storage.models import Assignment, Committee, Outbox

INTAKE = str(Path(sys.executable).parent / "intake")
KIM = 424_001  # Kim Exempelsson's Telegram user (fictional)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_telegram_round(engine: Engine, now: datetime, period: str = "2026 T3") -> None:
    """A round whose invitations carry deep links, as `round open` does with a bot token."""
    with transaction(engine) as session:
        open_round(session, find_form("naringsliv"), period,
                   as_utc(datetime(2027, 1, 20, 17, 0)), now, telegram_enabled=True)


def start_token(engine: Engine, committee: str) -> str:
    """The deep-link token in a committee's invitation mail."""
    with transaction(engine) as session:
        row = session.exec(
            select(Outbox).join(Assignment, col(Assignment.id) == col(Outbox.assignment_id))
            .join(Committee, col(Committee.id) == col(Assignment.committee_id))
            .where(Committee.name == committee, Outbox.template == "question")
            .order_by(col(Outbox.id))).first()
        assert row is not None
        return row.data["telegram_start_token"]


def serve_env(tg: FakeBotAPIThread, cli_env: dict[str, str], **extra: str) -> dict[str, str]:
    env = dict(os.environ) | cli_env | tg.env() | {
        "INBOUND_SMTP_PORT": str(free_port()), "WEB_PORT": str(free_port()),
        "TELEGRAM_RATE_OVERALL": "0", "TELEGRAM_RATE_PER_CHAT": "0", "LOG_LEVEL": "WARNING",
    }
    return env | extra


@contextmanager
def serving(tg: FakeBotAPIThread, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`intake serve` until the block ends; it is up once it polls the fake."""
    polls_before = len(tg.requests("getUpdates"))
    with log.open("ab") as out:
        process = subprocess.Popen([INTAKE, "serve"], env=env, stdout=out, stderr=out)
    try:
        tg.wait_for_requests("getUpdates", polls_before + 1, timeout=90)  # busy machines
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def question_number(message: dict) -> int:
    found = re.search(r"(?:Fråga|Question) (\d+) (?:av|of) \d+", message["text"])
    assert found, f"not a question: {message['text'][:200]!r}"
    return int(found.group(1))


def expect(tg: FakeBotAPIThread, chat: int, *fragments: str, timeout: float = 15) -> dict:
    """The bot's next message in the chat, which must contain every fragment."""
    message = tg.wait_for_bot_message(chat, timeout=timeout)
    for fragment in fragments:
        assert fragment in message["text"], (fragment, message["text"][:300])
    return message


def user_message_id(tg: FakeBotAPIThread, chat: int, text: str) -> int:
    """The id of the user's own message with this text (the fake numbers them per chat)."""
    for message_id in range(1, 10_000):
        message = tg.message(chat, message_id)
        if message and message["text"] == text and message["from"]["id"] == chat:
            return message_id
    raise AssertionError(f"no user message {text!r}")


def wait_until(check, timeout: float = 15, what: str = "condition") -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
