"""No mail stalls `serve`: while every hostile shape arrives, /healthz and SMTP answer in a second.

Each shape goes to a live reply address and to postmaster@ of the reply domain, the two doors a
stranger can reach; afterwards a contact's ordinary reply is still answered with the next
question, so nothing was left holding the database or the event loop.
"""

from __future__ import annotations

import base64
import smtplib
import threading
import time
import urllib.request

from storage.models import Inbox
from tests.support.hostile_mail import SHAPES
from tests.support.mail import (
    KIM,
    REPLY_DOMAIN,
    first_question,
    reply_to_of,
    rows,
    running,
    settled,
)
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

LIMIT = 1.0  # seconds, for each probe while hostile mail is being taken in and read


def deliverable(raw: bytes) -> bytes:
    """The shape as a hostile server would deliver it: CRLF lines, long ones base64-encoded."""
    head, _, body = raw.partition(b"\n\n")
    if max(map(len, body.split(b"\n"))) > 998:
        head = head.replace(b"Transfer-Encoding: 8bit", b"Transfer-Encoding: base64")
        body = base64.encodebytes(body)
    return (head + b"\n\n" + body).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _smtp_answers(port: int) -> float:
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", port, timeout=LIMIT * 5) as client:
        client.ehlo("probe.example.se")
        client.noop()
    return time.monotonic() - started


def _healthz_answers(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(f"{url}/healthz", timeout=LIMIT * 5) as response:
        response.read()
    return time.monotonic() - started


def test_healthz_and_smtp_answer_within_a_second_while_hostile_mail_is_read(db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        reply_to = reply_to_of(invitation)
        targets = [reply_to, f"postmaster@{REPLY_DOMAIN}"]
        done = threading.Event()
        failures: list[str] = []
        refusals: list[int] = []

        def send_all() -> None:
            try:
                for number, raw in enumerate(map(deliverable, SHAPES.values())):
                    for target in targets:
                        # An envelope each, as from many servers (the flood guard is tested apart).
                        envelope = f"relay{number}@mx{number}.example.net"
                        with serve.smtp() as client:
                            try:
                                client.sendmail(envelope, [target], raw)
                            except smtplib.SMTPResponseException as refused:
                                # A refusal is an answer too (size, line length): never a hang.
                                refusals.append(refused.smtp_code)
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(repr(exc))
            finally:
                done.set()

        sender = threading.Thread(target=send_all, daemon=True)
        sender.start()
        slowest = {"smtp": 0.0, "healthz": 0.0}
        while not done.is_set() or not settled(serve.env["DATABASE_URL"]):
            slowest["smtp"] = max(slowest["smtp"], _smtp_answers(serve.smtp_port))
            slowest["healthz"] = max(slowest["healthz"], _healthz_answers(serve.url))
            time.sleep(0.05)
        sender.join(timeout=60)
        assert not failures, failures
        assert slowest["smtp"] < LIMIT and slowest["healthz"] < LIMIT, slowest
        stored = rows(db_url, Inbox)
        # Every shape was refused with a reason or taken in, and each taken in was read to an
        # end: processed, held or failed, none left pending.
        assert all(400 <= code < 600 for code in refusals), refusals
        hostile = [row for row in stored if row.envelope_from and "@mx" in row.envelope_from]
        assert len(hostile) + len(refusals) == len(SHAPES) * len(targets)
        assert len(hostile) >= len(SHAPES), "most shapes are within the limits and must be read"
        ended = {"processed", "held", "failed", "auto_reply", "bounce", "rejected"}
        assert {row.status for row in stored} <= ended, {row.status for row in stored}

        # The contact's own reply still brings the next question.
        serve.forward(outlook_reply(invitation, "Vi samverkar med företagarföreningen."), reply_to)
        wait_until(lambda: sink.mails_to(KIM, "question")[1:], what="question 2")
