"""Mail replies per second end to end, beside the bare SMTP stack's ceiling in the same run.

    .venv/bin/python benchmarks/mail_replies.py            # 30 contacts x 4, 4 connections
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/mail_replies.py
    .venv/bin/python benchmarks/mail_replies.py --profile /tmp/serve.prof   # where time goes

`intake serve` runs as its own process against a relay sink (aiosmtpd). 30 contacts answer
in turn: each replies (Outlook-style) to the question mail it holds, waits until its next
question has reached the relay, and replies again, 4 times; the replies share 4 reused
SMTP connections, whichever is free. Rate: replies per second from the first DATA to the
last next question at the relay.

The ceiling, in the same run: the very same messages sent as one burst over 4 reused
connections to a bare aiosmtpd process whose handler only answers 250, from the first DATA
to the last 250. Then three contacts, one after the other and each alone, answer 8 questions:
p95 from reply to next question.
Not a test: the figures go to the README.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.forms import find_form  # noqa: E402
from intake.people.roster import import_roster, parse_roster  # noqa: E402
from intake.rounds.opening import open_round  # noqa: E402
from storage.db import make_engine, migrate, transaction  # noqa: E402
from tests.support.mail import Sink, mail_serve, reply_to_of  # noqa: E402
from tests.support.mailkit import outlook_reply, read  # noqa: E402
from tests.support.serve import Serve  # noqa: E402
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

    def wait_question(self, address: str, index: int, timeout: float) -> None:
        """Until the question mail number `index` (0: the invitation) reached `address`."""
        with self.changed:
            if not self.changed.wait_for(
                    lambda: len(self.questions.get(address, [])) > index, timeout):
                raise AssertionError(f"question {index + 1} never reached {address}")

    def wait_count(self, count: int, timeout: float) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.count >= count, timeout):
                raise AssertionError(f"only {self.count} of {count} question mails arrived")

    def question(self, address: str, index: int) -> Any:
        message = read(self.questions[address][index])
        return message


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


def bare_process(port: int) -> subprocess.Popen[bytes]:
    """The ceiling: aiosmtpd in a process of its own, its handler only answering 250."""
    code = ("import sys, time\n"
            "from aiosmtpd.controller import Controller\n"
            "class Bare:\n"
            "    async def handle_DATA(self, server, session, envelope):\n"
            "        return '250 OK'\n"
            f"c = Controller(Bare(), hostname='127.0.0.1', port={port}); c.start()\n"
            "print('ready', flush=True)\n"
            "sys.stdin.read()\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline().strip() == b"ready"
    return process


def in_turn(serve_port: int, sink: CountingSink, addresses: list[str], rounds: int,
            connections: int) -> tuple[float, list[tuple[str, str, bytes]]]:
    """Every contact replies, waits for its next question at the relay, replies again.

    `connections` reused SMTP sessions carry whatever reply is ready next. Returns the
    seconds from the first DATA to the last next question at the relay, and the messages.
    """
    ready: queue.Queue[tuple[str, int] | None] = queue.Queue()
    for address in addresses:
        ready.put((address, 1))
    sent: list[tuple[str, str, bytes]] = []
    total = len(addresses) * (rounds + 1)
    first_data: list[float] = []

    def sender() -> None:
        with smtplib.SMTP("127.0.0.1", serve_port, timeout=120) as client:
            while (item := ready.get()) is not None:
                address, number = item
                mail = sink.question(address, number - 1)
                raw = outlook_reply(mail, f"Svar {number} från {address}: tolv företag.",
                                    sender=f"Kontakt <{address}>")
                first_data.append(time.perf_counter())
                refused = client.sendmail(address, [reply_to_of(mail)], raw)
                assert not refused, refused
                sent.append((address, reply_to_of(mail), raw))
                if number < rounds:
                    threading.Thread(target=wait_then_queue, args=(address, number + 1),
                                     daemon=True).start()

    def wait_then_queue(address: str, number: int) -> None:
        sink.wait_question(address, number - 1, timeout=600)
        ready.put((address, number))

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    sink.wait_count(total, timeout=900)
    done = time.perf_counter()
    for _ in threads:
        ready.put(None)
    for thread in threads:
        thread.join()
    return done - min(first_data), sent


def burst(port: int, messages: list[tuple[str, str, bytes]], connections: int) -> float:
    """The same messages at once over `connections` reused sessions: first DATA to last 250."""
    chunks = [messages[i::connections] for i in range(connections)]
    clients = [smtplib.SMTP("127.0.0.1", port, timeout=60) for _ in chunks]
    barrier = threading.Barrier(len(chunks) + 1)
    ends: list[float] = []

    def one(client: smtplib.SMTP, chunk: list[tuple[str, str, bytes]]) -> None:
        barrier.wait()
        for sender, recipient, raw in chunk:
            assert not client.sendmail(sender, [recipient], raw)
        ends.append(time.perf_counter())

    threads = [threading.Thread(target=one, args=pair) for pair in zip(clients, chunks,
                                                                       strict=True)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    for client in clients:
        client.quit()
    return max(ends) - started


def alone(serve_port: int, sink: CountingSink, address: str, replies: int) -> list[float]:
    """One contact by themselves: seconds from each reply to its next question."""
    latencies = []
    with smtplib.SMTP("127.0.0.1", serve_port, timeout=60) as client:
        for number in range(1, replies + 1):
            mail = sink.question(address, number - 1)
            raw = outlook_reply(mail, f"Ensamt svar {number}.", sender=f"Kontakt <{address}>")
            started = time.perf_counter()
            client.sendmail(address, [reply_to_of(mail)], raw)
            sink.wait_question(address, number, timeout=60)
            latencies.append(time.perf_counter() - started)
    return latencies


def start_profile(serve: Serve, path: str | None) -> subprocess.Popen[bytes] | None:
    """py-spy sampling every thread of serve (pip install -e '.[bench]'), collapsed stacks."""
    if not path or serve.process is None:
        return None
    spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                            str(serve.process.pid), "--format", "raw", "--output", path,
                            "--rate", "200", "--nonblocking"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the first reply
    return spy


def stop_profile(spy: subprocess.Popen[bytes] | None) -> None:
    if spy is not None:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on interrupt
        spy.wait(timeout=60)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run(contacts: int, rounds: int, connections: int, db_url: str, tmp: Path,
        profile: str | None = None) -> None:
    setup(db_url, contacts + 3)
    sink = CountingSink()
    sink.start()
    serve = mail_serve(db_url, tmp, sink, LOG_LEVEL="ERROR")
    serve.start()
    addresses = [f"kontakt{i}@example.se" for i in range(contacts)]
    try:
        sink.wait_count(contacts + 3, timeout=300)
        spy = start_profile(serve, profile)
        elapsed, sent = in_turn(serve.smtp_port, sink, addresses, rounds, connections)
        stop_profile(spy)
        single = [latency for n in range(contacts, contacts + 3)  # one after the other
                  for latency in alone(serve.smtp_port, sink, f"kontakt{n}@example.se", 8)]
    finally:
        serve.stop()
        sink.stop()
    replies = contacts * rounds
    intake_rate = replies / elapsed

    bare_port = free_port()
    bare = bare_process(bare_port)
    try:
        bare_elapsed = burst(bare_port, sent, connections)
    finally:
        bare.kill()
        bare.wait()
    bare_rate = replies / bare_elapsed
    backend = db_url.split(":", 1)[0]
    print(f"{replies} replies ({contacts} contacts x {rounds} in turn), {connections} reused "
          f"connections, {backend}")
    print(f"intake serve, reply to next question: {intake_rate:8.1f} replies/s "
          f"({elapsed:.2f} s)")
    print(f"bare aiosmtpd process, 250 only:     {bare_rate:8.1f} messages/s "
          f"({bare_elapsed:.3f} s)")
    print(f"ratio: {intake_rate / bare_rate:.3f}")
    print(f"one contact alone, reply to next question: p95 {p95(single) * 1000:.0f} ms, "
          f"median {sorted(single)[len(single) // 2] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=4, help="replies per contact (< 20)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--profile", help="write serve's cProfile statistics to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        run(args.contacts, args.rounds, args.connections, db_url, Path(tmp), args.profile)


if __name__ == "__main__":
    main()
