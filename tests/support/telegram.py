"""`intake serve` against the fake Bot API (one or several at once), and talking to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from intake.clock import as_utc
from intake.forms import find_form
from intake.rounds.opening import open_round
from storage.db import transaction
from storage.models import Answer, AnswerRevision, Assignment, Committee, Fragment, Outbox
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import live_data
from tests.support.serve import Serve
from tests.support.waiting import free_port, wait_until

KIM = 424_001  # Kim Exempelsson's Telegram user (fictional)
# Slow when the machine is busy: the first poll comes after imports, migration and getMe.
FIRST_POLL_TIMEOUT = 90


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
        return live_data(row)["telegram_start_token"]


def telegram_env(tg: FakeBotAPIThread, cli_env: dict[str, str], **extra: str) -> dict[str, str]:
    """`serve` on the test's database and the fake, on its own free ports, with the send-rate
    limits lifted."""
    return cli_env | tg.env() | {
        "INBOUND_SMTP_PORT": str(free_port()), "WEB_PORT": str(free_port()),
        "TELEGRAM_RATE_OVERALL": "0", "TELEGRAM_RATE_PER_CHAT": "0"} | extra


@contextmanager
def serving(tg: FakeBotAPIThread, env: dict[str, str], log: Path) -> Iterator[Serve]:
    """`intake serve` until the block ends; it is up once it polls the fake."""
    polls_before = len(tg.requests("getUpdates"))
    with Serve(env, log) as serve:
        tg.wait_for_requests("getUpdates", polls_before + 1, timeout=FIRST_POLL_TIMEOUT)
        yield serve


@contextmanager
def serves(envs: list[dict[str, str]], logs: Path) -> Iterator[list[Serve]]:
    """One `intake serve` per environment, started in turn; each is up once /healthz says
    what it does with Telegram (polling, standby or webhook)."""
    with ExitStack() as stack:
        started = []
        for index, env in enumerate(envs):
            serve = stack.enter_context(Serve(env, logs / f"serve-{index}.log"))
            wait_until(lambda s=serve: s.telegram_role() in ("polling", "standby", "webhook"),
                       FIRST_POLL_TIMEOUT, f"serve {index} up")
            started.append(serve)
        yield started


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


def fragments(engine: Engine) -> list[str]:
    """The current answers' fragments, in their stored order."""
    with transaction(engine) as session:
        return list(session.exec(
            select(Fragment.text)
            .join(AnswerRevision, col(AnswerRevision.id) == col(Fragment.revision_id))
            .join(Answer, col(Answer.current_revision_id) == col(AnswerRevision.id))
            .order_by(col(Answer.id), col(Fragment.position))))
