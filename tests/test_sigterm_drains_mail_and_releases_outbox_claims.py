"""SIGTERM: idle SMTP sessions get 421, the message in hand is finished or given back, no
outbox row stays 'sending', and serve exits 0."""

from __future__ import annotations

import asyncio
import signal
import socket

from sqlmodel import col

from storage.models import Outbox
from tests.support.mail import Sink, mail_serve, open_round_now, rows
from tests.support.waiting import wait_until


class SlowSink(Sink):
    """A relay that takes its time over each mail, so serve is caught mid-send."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(10)
        return await super().handle_DATA(server, session, envelope)


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\r\n") or data.splitlines()[-1][3:4] == b"-":
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode()


def test_sigterm_answers_421_frees_claims_and_exits_0(db_url, tmp_path):
    open_round_now(db_url)
    sink = SlowSink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink, INTAKE_SHUTDOWN_GRACE="4", LOG_LEVEL="INFO")
    try:
        serve.start()
        client = socket.create_connection(("127.0.0.1", serve.smtp_port), timeout=30)
        assert _reply(client).startswith("220")
        client.sendall(b"EHLO mx.example.se\r\n")
        assert _reply(client).startswith("250")
        wait_until(lambda: rows(db_url, Outbox, col(Outbox.status) == "sending"), timeout=240,
                   what="serve to claim the invitations")

        assert serve.process is not None
        serve.process.send_signal(signal.SIGTERM)
        assert _reply(client).startswith("421")
        client.close()
        assert serve.process.wait(timeout=120) == 0, serve.log.read_text()
    finally:
        serve.stop()
        sink.stop()
    statuses = [row.status for row in rows(db_url, Outbox)]
    assert "sending" not in statuses
    assert "pending" in statuses  # claimed but not sent: back in the queue for the next start
    assert "outbox_released" in serve.log.read_text()
