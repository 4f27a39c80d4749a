"""OAuth 2.0 for the mail tests: a token endpoint that issues and expires client-credentials
tokens (and answers Dovecot's introspection), and an aiosmtpd relay that takes AUTH XOAUTH2."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope

from tests.support.mail import Sink
from tests.support.waiting import free_port

CLIENT_ID, CLIENT_SECRET = "intake-test-app", "app-secret"
SCOPE = "https://outlook.office365.com/.default"


class TokenServer:
    """POST /token (client credentials) and POST /introspect, on a free port."""

    def __init__(self, lifetime: float = 3600, user: str = "svar@svar.example.se"):
        self.lifetime, self.user = lifetime, user
        self.issued: dict[str, float] = {}  # token -> expiry (monotonic)
        self.requests: list[dict[str, str]] = []
        self.refusing = False  # tokens are issued, but no mail server accepts them
        self.lock = threading.Lock()
        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/introspect"

    def live(self, token: str) -> bool:
        with self.lock:
            expires = self.issued.get(token)
            return not self.refusing and expires is not None and time.monotonic() < expires

    def __enter__(self) -> TokenServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append(form)
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client", "error_description": "bad client secret"}
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.issued[token] = time.monotonic() + self.lifetime
        return 200, {"access_token": token, "token_type": "Bearer",
                     "expires_in": self.lifetime}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tokens = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path == "/token":
                    status, body = tokens._token(form)
                elif self.path == "/introspect":
                    live = tokens.live(form.get("token", ""))
                    status, body = 200, ({"active": "true", "username": tokens.user} if live
                                         else {"active": "false"})
                else:
                    status, body = 404, {"error": "not_found"}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: object) -> None:
                pass

        return Handler


class XoauthRelay(Sink):
    """The organisation's relay: AUTH XOAUTH2 only, checked against the token server."""

    def __init__(self, tokens: TokenServer, user: str):
        super().__init__()
        self.tokens, self.user = tokens, user
        self.logins: list[tuple[str, bool]] = []  # (token, accepted)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:  # noqa: N802
        decoded = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        fields = dict(part.split("=", 1) for part in decoded.split("\x01") if "=" in part)
        token = fields.get("auth", "").removeprefix("Bearer ")
        accepted = fields.get("user") == self.user and self.tokens.live(token)
        with self.lock:
            self.logins.append((token, accepted))
        if not accepted:
            # As Exchange Online and Gmail do: an error challenge, then 535 after the reply.
            await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=accepted, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        return await super().handle_DATA(server, session, envelope)

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                     auth_require_tls=False,
                                     auth_exclude_mechanism=["LOGIN", "PLAIN"])
        self.controller.start()
