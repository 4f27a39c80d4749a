"""Mail replies per second end to end, against the bare SMTP stack's ceiling on this machine.

    .venv/bin/python benchmarks/mail_replies.py                       # 50 contacts, 3 replies
    .venv/bin/python benchmarks/mail_replies.py --contacts 100 --rounds 2 --connections 8
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/mail_replies.py

End to end: `intake serve` runs as its own process against a relay sink (aiosmtpd). Each of
N contacts replies by Outlook-style mail to the question mail it holds; a reply counts when
SMTP DATA has been answered at serve's inbound port, the answer is stored and the next
question has reached the relay sink. The replies go out in rounds (every contact answers one
question per round), over a few SMTP connections at once, as a forwarding server would.

The ceiling: in the same run, the very same messages, sent the same way, to a bare aiosmtpd
server whose handler only answers 250. Both rates and their ratio are printed.
Not a test: the figures go to docs/mail.md.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from intake.forms import find_form  # noqa: E402
from intake.people.roster import import_roster, parse_roster  # noqa: E402
from intake.rounds.opening import open_round  # noqa: E402
from storage.db import make_engine, migrate, transaction  # noqa: E402
from tests.support.mail import Sink, mail_serve, reply_to_of  # noqa: E402
from tests.support.mailkit import outlook_reply, read  # noqa: E402
from tests.support.waiting import free_port  # noqa: E402


class CountingSink(Sink):
    """The relay, as cheap as it can be: keeps raw question mails, parses nothing while timed.

    The tests' Sink parses every mail and the waits scan them all; here that would take the
    CPU that `serve` needs and measure the benchmark instead of the bot.
    """

    def __init__(self) -> None:
        super().__init__()
        self.questions: dict[str, list[bytes]] = {}
        self.count = 0
        self.changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or b""
        if b"X-Intake-Kind: question" in raw:
            with self.changed:
                for rcpt in envelope.rcpt_tos:
                    self.questions.setdefault(rcpt, []).append(raw)
                self.count += 1
                self.changed.notify_all()
        return "250 OK"

    def wait_count(self, count: int, timeout: float) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.count >= count, timeout):
                raise AssertionError(f"only {self.count} of {count} question mails arrived")

    def question(self, address: str, index: int) -> Any:
        message = read(self.questions[address][index])
        return message


class Bare:
    """The ceiling: aiosmtpd that takes each message and does nothing with it."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def roster(contacts: int) -> str:
    lines = ["committee,kind,contact_name,email,phone,role,language"]
    lines += [f"Nämnd {i},district,Kontakt Nummer{i},kontakt{i}@example.se,08-000,main,sv"
              for i in range(contacts)]
    return "\n".join(lines) + "\n"


def setup(db_url: str, contacts: int) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    now = datetime.now(UTC)
    with transaction(engine) as session:
        import_roster(session, parse_roster(roster(contacts)), now)
    with transaction(engine) as session:
        open_round(session, find_form("naringsliv"), "bench", now + timedelta(days=30), now)
    engine.dispose()


def send_all(port: int, batch: list[tuple[str, str, bytes]], connections: int) -> None:
    """Deliver (sender, recipient, raw) over `connections` SMTP sessions, several per session."""
    chunks = [batch[i::connections] for i in range(connections)]

    def one(chunk: list[tuple[str, str, bytes]]) -> None:
        if not chunk:
            return
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            for sender, recipient, raw in chunk:
                refused = client.sendmail(sender, [recipient], raw)
                assert not refused, refused

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(one, chunks))


def run(contacts: int, rounds: int, connections: int, db_url: str, tmp: Path) -> None:
    setup(db_url, contacts)
    sink = CountingSink()
    sink.start()
    serve = mail_serve(db_url, tmp, sink, LOG_LEVEL="ERROR")
    serve.start()
    addresses = [f"kontakt{i}@example.se" for i in range(contacts)]

    sent: list[list[tuple[str, str, bytes]]] = []
    elapsed = 0.0
    try:
        sink.wait_count(contacts, timeout=300)
        for number in range(1, rounds + 1):
            batch = []
            for address in addresses:
                mail = sink.question(address, number - 1)
                raw = outlook_reply(mail, f"Svar {number} från {address}: tolv företag.",
                                    sender=f"Kontakt <{address}>")
                batch.append((address, reply_to_of(mail), raw))
            started = time.perf_counter()
            send_all(serve.smtp_port, batch, connections)
            sink.wait_count(contacts * (number + 1), timeout=600)
            elapsed += time.perf_counter() - started
            sent.append(batch)
    finally:
        serve.stop()
        sink.stop()
    replies = contacts * rounds
    intake_rate = replies / elapsed

    bare_port = free_port()
    bare = Controller(Bare(), hostname="127.0.0.1", port=bare_port)
    bare.start()
    bare_elapsed = 0.0
    try:
        for batch in sent:
            started = time.perf_counter()
            send_all(bare_port, batch, connections)
            bare_elapsed += time.perf_counter() - started
    finally:
        bare.stop()
    bare_rate = replies / bare_elapsed
    backend = db_url.split(":", 1)[0]
    print(f"{replies} replies ({contacts} contacts x {rounds}), {connections} connections, "
          f"{backend}")
    print(f"intake serve, end to end: {intake_rate:8.1f} replies/s ({elapsed:.2f} s)")
    print(f"bare aiosmtpd, accept only: {bare_rate:8.1f} messages/s ({bare_elapsed:.2f} s)")
    print(f"ratio: {intake_rate / bare_rate:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="replies per contact (< 30)")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        run(args.contacts, args.rounds, args.connections, db_url, Path(tmp))


if __name__ == "__main__":
    main()
