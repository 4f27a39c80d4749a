"""Sessions, CSRF and login for the dashboard.

The session is a cookie signed with SECRET_KEY (Starlette's SessionMiddleware). It holds the
coordinator's id, when they logged in (by the injected clock, so tests can travel past the
expiry) and the CSRF token that every POST form must send back.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_to_bytes

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from intake.clock import Clock, parse_datetime
from intake.xml_safe import xml_safe
from storage.db import transaction
from storage.models import Coordinator

log = logging.getLogger("intake.web")

SESSION_LIFETIME = timedelta(hours=12)
PUBLIC_PATHS = ("/login", "/healthz")
# Downloads answer 401 instead of a redirect: a script or a browser download gets no HTML.
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".docx", ".pdf", ".md", ".zip")
CSRF_FIELD = "csrf"


def secret_key(configured: str) -> str:
    if configured:
        return configured
    log.warning("SECRET_KEY is not set: using a random key, so sessions end at every restart")
    return secrets.token_urlsafe(32)


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(24)
    return str(token)


async def form_with_csrf(request: Request) -> dict[str, Any] | None:
    """The posted form when its CSRF token matches the session's, else None."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD) or "")
    expected = str(request.session.get(CSRF_FIELD) or "")
    if not expected or not secrets.compare_digest(sent, expected):
        return None
    # Text from the browser is text that comes in: no character XML forbids gets stored.
    return {key: [_clean(key, v) for v in form.getlist(key)] if len(form.getlist(key)) > 1
            else _clean(key, value) for key, value in form.items()}


def _clean(key: str, value: Any) -> Any:
    # A password is compared, never shown or stored as text: it is taken exactly as typed.
    return xml_safe(value) if isinstance(value, str) and key != "password" else value


def csrf_rejected() -> Response:
    return PlainTextResponse("Formuläret har gått ut eller saknar CSRF-token. Ladda om sidan.",
                             status_code=403)


def start_session(request: Request, coordinator: Coordinator, now: datetime) -> None:
    # A fresh session on login, so nothing from before (a planted cookie) carries over.
    request.session.clear()
    # The address too: SQLite may give a removed account's id to the next one added.
    request.session.update({"cid": coordinator.id, "v": coordinator.session_version,
                            "e": coordinator.email,
                            "at": now.isoformat(), CSRF_FIELD: secrets.token_urlsafe(24)})


def session_coordinator(session_data: dict[str, Any], engine: Engine,
                        now: datetime) -> Coordinator | None:
    """The logged-in coordinator, or None when there is no session, it has expired or it was
    ended (logout elsewhere, a new password, the account removed: the version moved on)."""
    cid, at, version = session_data.get("cid"), session_data.get("at"), session_data.get("v")
    if not isinstance(cid, int) or not isinstance(at, str) or not isinstance(version, int):
        return None
    try:
        started = parse_datetime(at)
    except ValueError:
        return None
    if not started <= now < started + SESSION_LIFETIME:
        return None
    with transaction(engine) as session:
        coordinator = session.get(Coordinator, cid)
        if coordinator is None or coordinator.session_version != version:
            return None
        return coordinator if coordinator.email == session_data.get("e") else None


class RefuseNul:
    """ASGI middleware: a NUL in the path or query string is refused with 400.

    No page means one, and PostgreSQL refuses text holding NUL, so it would otherwise end
    as a server error in whichever query first used the value.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await PlainTextResponse("Ogiltig adress. / Invalid address.",
                                    status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    query = unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))
    return "\x00" in scope["path"] or b"\x00" in query


def is_public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)


class RequireSession:
    """ASGI middleware: every path but the login pages and /healthz needs a live session."""

    def __init__(self, app: ASGIApp, engine: Engine, clock: Clock):
        self.app, self.engine, self.clock = app, engine, clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        session_data = scope.get("session", {})
        # A database read: off the event loop, which SMTP and Telegram share.
        coordinator = await asyncio.to_thread(session_coordinator, session_data, self.engine,
                                              self.clock())
        if coordinator is None:
            # Drop a stale login but keep the CSRF token: the browser's own request for
            # /favicon.ico lands here while the login form is open, and clearing the whole
            # session then made the form's first submission fail its CSRF check.
            for key in ("cid", "v", "e", "at"):
                session_data.pop(key, None)
            await self._refuse(scope)(scope, receive, send)
            return
        scope.setdefault("state", {})["coordinator"] = coordinator
        await self.app(scope, receive, send)

    @staticmethod
    def _refuse(scope: Scope) -> Response:
        if scope["path"].endswith(DOWNLOAD_SUFFIXES) or scope["method"] != "GET":
            return PlainTextResponse("Logga in först.", status_code=401)
        return RedirectResponse("/login", status_code=303)

