"""A fake 46elks-compatible SMS gateway: speaks its HTTP, records what it is sent, plays faults.

`POST /sms` with form fields `from`, `to`, `message` (and `whendelivered`) and HTTP Basic auth
answers JSON with an `id`, as the real gateway does. Tests queue statuses (429, 503…) to answer
before the next success, send delivery reports to `whendelivered`, and post inbound SMS to
our webhook the way the gateway would.
"""

from __future__ import annotations

import base64
import itertools
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.sms.segments import encoding


@dataclass(frozen=True)
class SentSms:
    id: str
    sender: str
    to: str
    message: str
    when_delivered: str | None


class FakeGateway:
    def __init__(self, username: str = "u-test", password: str = "p-test"):
        self.username, self.password = username, password
        self.sent: list[SentSms] = []
        self.faults: deque[int] = deque()  # statuses to answer before the next success
        self.refused: list[int] = []  # statuses answered, in order
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.url = ""

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/sms", self._sms, methods=["POST"])])

    async def _sms(self, request: Request) -> Response:
        if request.headers.get("authorization") != self._basic():
            return Response("unauthorized", status_code=401)
        form = await request.form()
        with self._lock:
            if self.faults:
                status = self.faults.popleft()
                self.refused.append(status)
                headers = {"Retry-After": "1"} if status == 429 else {}
                return Response(f"fault {status}", status_code=status, headers=headers)
        to, message = str(form.get("to", "")), str(form.get("message", ""))
        if not to.startswith("+") or not to[1:].isdigit():
            return Response("Invalid to number", status_code=400)
        if not message:
            return Response("Missing message", status_code=400)
        sms = SentSms(f"s{next(self._ids):08x}", str(form.get("from", "")), to, message,
                      str(form["whendelivered"]) if "whendelivered" in form else None)
        with self._lock:
            self.sent.append(sms)
        parts = encoding(message).segments
        return JSONResponse({"id": sms.id, "status": "created", "parts": parts,
                             "from": sms.sender, "to": to, "message": message})

    def _basic(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    def to(self, number: str) -> list[str]:
        with self._lock:
            return [s.message for s in self.sent if s.to == number]

    def report(self, sms_id: str, status: str = "delivered") -> int:
        """Post a delivery report for a sent SMS to its `whendelivered` URL."""
        sms = next(s for s in self.sent if s.id == sms_id)
        assert sms.when_delivered, "the SMS was sent without a whendelivered URL"
        fields = {"id": sms.id, "status": status, "delivered": "2026-11-02T10:00:00.000000"}
        return post_form(sms.when_delivered, fields)


def post_form(url: str, fields: dict[str, str]) -> int:
    """POST form fields the way the gateway does; the HTTP status of the answer."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def inbound(url: str, sender: str, message: str, sms_id: str, to: str = "+46766860000") -> int:
    """An SMS from a phone as the gateway posts it to our webhook."""
    fields = {"from": sender, "to": to, "message": message, "id": sms_id,
              "created": "2026-11-02 10:00:00.000000"}
    return post_form(url, fields)


@contextmanager
def running_gateway(gateway: FakeGateway | None = None) -> Iterator[FakeGateway]:
    """The fake gateway on a free port of this machine, in a thread of the test process."""
    gateway = gateway or FakeGateway()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(gateway.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the fake gateway did not start"
        time.sleep(0.02)
    gateway.url = f"http://127.0.0.1:{port}"
    try:
        yield gateway
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
