"""The relay is down when mail is due: the mails wait in back-off and /healthz counts them;
the moment its probe sees the relay back they go out, once each, not after their back-off."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from intake.clock import from_db
from storage.models import Outbox
from tests.support.mail import Sink, mail_serve, open_round_now, rows
from tests.support.waiting import wait_until


def test_mail_in_back_off_goes_as_soon_as_the_relay_is_seen_back(db_url, tmp_path):
    open_round_now(db_url)  # three invitations due now
    sink = Sink()  # not started: the relay is down
    serve = mail_serve(db_url, tmp_path, sink, RELAY_CHECK_SECONDS="2")
    try:
        serve.start()
        waiting = wait_until(lambda: (found := rows(db_url, Outbox)) and all(
            r.status == "pending" and r.attempts >= 1 for r in found) and found,
            timeout=120, what="every invitation tried once and waiting")
        assert all(r.outage for r in waiting)
        status, body = serve.healthz()
        assert status == 503 and not body["checks"]["relay"]["ok"]
        assert body["checks"]["outbox"]["backlog"] == 3  # in back-off, and counted

        backoff_ends = min(from_db(r.due_at) for r in rows(db_url, Outbox))
        sink.start()
        wait_until(lambda: len(sink.received) == 3, timeout=120, what="the three invitations")
        assert datetime.now(UTC) < backoff_ends  # they did not wait out their back-off
        wait_until(lambda: serve.healthz()[0] == 200, timeout=60, what="a healthy serve")
        assert serve.healthz()[1]["checks"]["outbox"]["backlog"] == 0
        time.sleep(1.5)  # a worker pass more: nothing goes twice
    finally:
        serve.stop()
        sink.stop()
    assert len(sink.received) == 3
    assert {(r.status, r.outage) for r in rows(db_url, Outbox)} == {("sent", False)}
