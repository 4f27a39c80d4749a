"""kill -9 of `serve` while it holds claimed outbox rows (one mail in the relay's DATA): the
next `serve` takes the dead worker's claims back at once and sends each mail within a minute,
once; the mail that had reached the relay goes again with the same Message-ID."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from typing import Any

from aiosmtpd.smtp import Envelope

from storage.models import Outbox
from tests.support.mail import Sink, mail_serve, open_round_now, rows
from tests.support.waiting import wait_until


class HoldingSink(Sink):
    """A relay that keeps the first mail in DATA (no 250) until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return answer


def test_the_next_serve_sends_a_killed_serves_claimed_mail_within_a_minute(db_url, tmp_path):
    open_round_now(db_url)  # three invitations wait in the outbox
    sink = HoldingSink()
    sink.start()
    # A ten-minute lease: what frees the claims at once is the dead pid, not the lease.
    first = mail_serve(db_url, tmp_path, sink, INTAKE_OUTBOX_LEASE="600")
    again = mail_serve(db_url, tmp_path, sink, INTAKE_OUTBOX_LEASE="600")
    try:
        first.start()
        wait_until(sink.holding.is_set, timeout=120, what="the first mail in the relay's DATA")
        claimed = rows(db_url, Outbox, Outbox.status == "sending")
        assert len(claimed) == 3  # the batch is claimed: one in DATA, two behind it
        first.kill()
        sink.release.set()  # the relay's 250 now goes to a dead connection

        again.start()
        listening = time.monotonic()
        wait_until(lambda: {r.status for r in rows(db_url, Outbox)} == {"sent"}, timeout=60,
                 what="every claimed mail sent by the next serve")
        assert time.monotonic() - listening < 60
        time.sleep(1.5)  # a worker pass more: nothing goes twice
    finally:
        again.stop()
        first.kill()
        sink.stop()
    sent = rows(db_url, Outbox)
    ids = Counter(str(message["Message-ID"]) for _, _, message in sink.received)
    assert set(ids) == {row.external_id for row in sent}  # the Message-IDs of the first try
    assert sorted(ids.values()) == [1, 1, 2]  # only the mail in DATA at the kill went twice
    assert all(row.attempts == 1 for row in sent)
    recipients = Counter(rcpt for _, rcpts, _ in sink.received for rcpt in rcpts)
    assert len(recipients) == 3
