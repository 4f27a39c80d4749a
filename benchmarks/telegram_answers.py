"""Answers per second through `intake serve`, against the bare aiogram echo bot, and memory.

Part 1, in one run: 50 linked contacts (default) answer at once, each sending messages one
after another and waiting for the acknowledgement. Measured end to end at the fake Bot API:
the update goes in, `serve` stores it in the inbox, the engine stores the fragment and the
outbox sends "Sparat till fråga 2 (... tecken)", and the clock stops when that sendMessage
arrives back at the fake. The same `measure` then runs the bare echo bot (a subprocess, as
serve is), which stores nothing: the ceiling of aiogram + aiohttp + the fake on this machine.
Send-rate limits are lifted (TELEGRAM_RATE_OVERALL=0, TELEGRAM_RATE_PER_CHAT=0): they protect
the real Telegram, not the fake.

Part 2: the resident memory (VmRSS) of `serve` with 100, 1,000 and 10,000 contacts in
mid-form (linked to Telegram, question 1 answered, standing on question 2), after a round
of messages from a sample of them.

    .venv/bin/python benchmarks/telegram_answers.py [--users 50] [--messages 20]
        [--sizes 100,1000,10000] [--database-url URL]

Without --database-url each step uses a fresh SQLite file in a temporary folder; with a
PostgreSQL URL the database is emptied first (use a scratch database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from sqlalchemy import Engine, text, update  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402
from telegram_echo_baseline import measure, subprocess_echo_bot  # noqa: E402

from intake.clock import system_clock  # noqa: E402
from intake.forms import find_form  # noqa: E402
from intake.rounds.opening import open_round  # noqa: E402
from storage.db import is_sqlite, make_engine, migrate, transaction  # noqa: E402
from storage.models import (  # noqa: E402
    Answer,
    AnswerRevision,
    Assignment,
    Committee,
    Contact,
    Outbox,
    Round,
)
from tests.support.fake_telegram import FakeBotAPI  # noqa: E402

INTAKE = str(Path(sys.executable).parent / "intake")
FIRST_USER = 5_000_001  # contact number n is Telegram user FIRST_USER + n (fictional)
KINDS = ("district", "specialist", "company")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answer_text(user_id: int, n: int) -> str:
    return (f"Del {n} från kontakt {user_id}: vi har infört ett företagslotsråd i "
            f"stadsdelen & träffar {n} nya företag i månaden.")


def fresh_engine(url: str | None, folder: Path, name: str) -> Engine:
    engine = make_engine(url or f"sqlite:///{folder / name}.db")
    if not is_sqlite(engine):
        with engine.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            connection.execute(text(f"DROP TABLE IF EXISTS {tables}, alembic_version CASCADE"))
    migrate(engine)
    return engine


def populate(engine: Engine, contacts: int) -> None:
    """`contacts` committees, each with a main contact linked to Telegram and in mid-form.

    Written straight into the tables (a roster import and round of 10,000 would only be
    slower): one round of the bundled form, every assignment in progress with question 1
    answered and the cursor on question 2. Nothing is left in the outbox.
    """
    now = system_clock()
    form = find_form("naringsliv")
    kinds_questions = {kind: [q.id for q in form.questions_for(kind)] for kind in KINDS}
    with transaction(engine) as session:
        # The round needs a committee to open; its invitation is marked sent below.
        first = Committee(name="Bänknämnd 00000", kind=KINDS[0])
        session.add(first)
        session.flush()
        session.add(_person(0, first))
        session.flush()
        open_round(session, form, "2026 T3", now + timedelta(days=365), now)
        round_id = session.exec(select(Round.id)).one()
        assignment = session.exec(select(Assignment)).one()
        _mid_form(session, [assignment], [first], kinds_questions, now)
    batch = 1000
    for start in range(1, contacts, batch):
        with transaction(engine) as session:
            committees = [Committee(name=f"Bänknämnd {n:05d}", kind=KINDS[n % 3])
                          for n in range(start, min(start + batch, contacts))]
            session.add_all(committees)
            session.flush()
            people = [_person(n, c) for n, c in enumerate(committees, start)]
            session.add_all(people)
            session.flush()
            assignments = [Assignment(round_id=round_id, committee_id=c.id or 0,
                                      contact_id=person.id or 0)
                           for c, person in zip(committees, people, strict=True)]
            session.add_all(assignments)
            session.flush()
            _mid_form(session, assignments, committees, kinds_questions, now)
    with transaction(engine) as session:
        session.exec(update(Outbox).values(status="sent"))  # type: ignore[call-overload]


def _person(n: int, committee: Committee) -> Contact:
    return Contact(committee_id=committee.id or 0, name=f"Testa Kontaktsson {n}",
                   email=f"kontakt{n}@example.se", telegram_user_id=FIRST_USER + n,
                   telegram_chat_id=FIRST_USER + n)


def _mid_form(session: Session, assignments: list[Assignment], committees: list[Committee],
              kinds_questions: dict[str, list[str]], now: datetime) -> None:
    """Question 1 answered by Telegram, the cursor on question 2."""
    answers = []
    for assignment, committee in zip(assignments, committees, strict=True):
        questions = kinds_questions[committee.kind]
        assignment.status, assignment.cursor, assignment.cursor_fresh = \
            "in_progress", questions[1], True
        assignment.channel, assignment.last_activity = "telegram", now
        answers.append(Answer(assignment_id=assignment.id or 0, question_id=questions[0],
                              updated_at=now))
    session.add_all(answers)
    session.flush()
    revisions = [AnswerRevision(answer_id=a.id or 0, number=1, channel="telegram",
                                text="Vi samverkar med företagarföreningen.",
                                contact_id=s.contact_id, created_at=now, updated_at=now)
                 for a, s in zip(answers, assignments, strict=True)]
    session.add_all(revisions)
    session.flush()
    for answer, revision in zip(answers, revisions, strict=True):
        answer.current_revision_id = revision.id


def serve_env(fake: FakeBotAPI, database_url: str, var_dir: Path) -> dict[str, str]:
    return {**os.environ, **fake.env(),
            "DATABASE_URL": database_url, "INTAKE_VAR_DIR": str(var_dir),
            "WEB_PORT": str(free_port()), "INBOUND_SMTP_PORT": str(free_port()),
            "TELEGRAM_RATE_OVERALL": "0", "TELEGRAM_RATE_PER_CHAT": "0",
            "SMTP_HOST": "", "LOG_LEVEL": "WARNING", "INTAKE_FAKE_NOW": ""}


class Serve:
    """`intake serve` as a subprocess, as an operator runs it; `pid` for its memory."""

    def __init__(self, database_url: str, var_dir: Path):
        self.database_url, self.var_dir = database_url, var_dir
        self.process: asyncio.subprocess.Process | None = None

    @asynccontextmanager
    async def __call__(self, fake: FakeBotAPI) -> AsyncIterator[None]:
        log = (self.var_dir / "serve.log").open("ab")
        self.process = await asyncio.create_subprocess_exec(
            INTAKE, "serve", env=serve_env(fake, self.database_url, self.var_dir),
            stdout=log, stderr=log)
        try:
            await fake.wait_for_requests("getUpdates", 1, timeout=120)
            yield
        finally:
            self.process.terminate()
            await self.process.wait()
            log.close()

    def rss_mb(self) -> float:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = next(int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmRSS:"))
        return kib / 1024


async def answers_vs_echo(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    engine = fresh_engine(args.database_url, folder, "answers")
    populate(engine, args.users)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    serve = Serve(url, folder)
    answers = await measure(serve, args.users, args.messages, make_text=answer_text,
                            first_user_id=FIRST_USER, reply_timeout=60, startup_timeout=120)
    echo = await measure(subprocess_echo_bot, args.users, args.messages,
                         make_text=answer_text, first_user_id=FIRST_USER)
    check = make_engine(url)
    with transaction(check) as session:
        stored = session.exec(text("SELECT count(*) FROM fragment")).one()[0]  # type: ignore
    check.dispose()
    return {"answers": answers, "echo": echo, "fragments": stored}


async def memory_at(size: int, args: argparse.Namespace, folder: Path) -> tuple[float, float]:
    """RSS of serve just started, and after a round of messages from a sample of contacts."""
    engine = fresh_engine(args.database_url, folder, f"memory{size}")
    populate(engine, size)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    serve = Serve(url, folder)
    sample = min(size, args.users)
    # Spread the sample over the whole range of contacts, not just the first ones.
    step = max(1, size // sample)
    async with FakeBotAPI() as fake, serve(fake):
        idle = serve.rss_mb()
        users = [FIRST_USER + n * step for n in range(sample)]

        async def converse(user_id: int) -> None:
            for n in range(args.memory_messages):
                fake.send_user_message(user_id, answer_text(user_id, n))
                await fake.wait_for_bot_message(user_id, timeout=120)

        await asyncio.gather(*(converse(u) for u in users))
        after = serve.rss_mb()
    return idle, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--memory-messages", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        result = asyncio.run(answers_vs_echo(args, folder))
        answers, echo = result["answers"], result["echo"]
        print(f"intake_answers msgs_per_s={answers.msgs_per_s:.1f} "
              f"p50_ms={answers.percentile_ms(0.5):.1f} p95_ms={answers.percentile_ms(0.95):.1f} "
              f"users={args.users} messages={args.messages} fragments={result['fragments']}")
        print(f"echo_baseline msgs_per_s={echo.msgs_per_s:.1f} "
              f"p50_ms={echo.percentile_ms(0.5):.1f} p95_ms={echo.percentile_ms(0.95):.1f}")
        print(f"ratio={answers.msgs_per_s / echo.msgs_per_s:.2f} "
              f"database={'sqlite' if not args.database_url else 'given'} "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
        if args.skip_memory:
            return
        for size in (int(s) for s in args.sizes.split(",")):
            idle, after = asyncio.run(memory_at(size, args, folder))
            print(f"memory contacts_mid_form={size} rss_idle_mb={idle:.1f} "
                  f"rss_after_round_mb={after:.1f}", flush=True)


if __name__ == "__main__":
    main()
