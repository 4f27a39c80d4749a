"""/healthz for monitors: 200 with every part's state; a stopped relay makes it 503 within a
minute and a relay back makes it 200 again. Logs of the run are JSON lines, addresses masked."""

from __future__ import annotations

import json
import time

from tests.support.mail import Sink, mail_serve, open_round_now
from tests.support.waiting import wait_until


def test_a_stopped_relay_shows_within_a_minute(db_url, tmp_path):
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink, RELAY_CHECK_SECONDS="2", LOG_FORMAT="json",
                       LOG_LEVEL="INFO")
    try:
        serve.start()
        status, body = wait_until(lambda: (r := serve.healthz())[0] == 200 and r,
                                  timeout=240, what="a healthy serve")
        checks = body["checks"]
        assert checks["database"]["ok"] and checks["inbound_smtp"]["ok"]
        assert checks["relay"] == checks["relay"] | {"ok": True, "error": None,
                                                      "target": f"127.0.0.1:{sink.port}"}
        assert checks["telegram"] == {"ok": True, "configured": False}
        assert {"backlog", "oldest_unsent_age_seconds"} <= set(checks["outbox"])
        wait_until(lambda: len(sink.received) == 3, timeout=240, what="the invitations")

        sink.stop()
        stopped = time.monotonic()
        status, body = wait_until(lambda: (r := serve.healthz())[0] == 503 and r,
                                  timeout=60, what="/healthz to see the relay gone")
        assert time.monotonic() - stopped < 60
        assert body["status"] == "fail" and not body["checks"]["relay"]["ok"]
        assert "cannot connect" in body["checks"]["relay"]["error"]
        assert body["checks"]["database"]["ok"]

        sink.start()
        wait_until(lambda: serve.healthz()[0] == 200, timeout=240, what="the relay back")
    finally:
        serve.stop()
        sink.stop()
    events = [json.loads(line) for line in serve.log.read_text().splitlines()
              if line.startswith("{")]
    assert events and all({"ts", "level", "logger", "msg"} <= set(e) for e in events)
    assert "exempelsson" not in serve.log.read_text()
