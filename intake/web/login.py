"""The login pages: password, one-time link, logout.

A password is checked in a worker thread behind a small semaphore: argon2 is slow on
purpose, and on the event loop that SMTP and Telegram share a flood of logins stalled them.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake.clock import Clock, local
from intake.people.coordinators import (
    LockedOut,
    Throttled,
    attempt_login,
    end_sessions,
    redeem_login_link,
)
from intake.rounds.review import log_action
from intake.web.auth import csrf_rejected, form_with_csrf, start_session
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Coordinator

T = TypeVar("T")
WRONG = "Fel e-postadress eller lösenord."


class Busy(Exception):
    """Every hashing slot is taken and the queue is full: answer 429 at once."""


class LoginGate:
    """At most `workers` password checks at a time, at most `queue` more waiting."""

    def __init__(self, workers: int = 2, queue: int = 8):
        self.workers, self.queue = workers, queue
        self._slots = asyncio.Semaphore(workers)
        self._inside = 0

    async def run(self, work: Callable[..., T], *args: object) -> T:
        if self._inside >= self.workers + self.queue:
            raise Busy
        self._inside += 1
        try:
            async with self._slots:
                return await asyncio.to_thread(work, *args)
        finally:
            self._inside -= 1


def _too_many(request: Request, email: str, retry_after: timedelta, error: str) -> Response:
    response = render_page(request, "login", 429, email=email, error=error)
    response.headers["Retry-After"] = str(max(1, math.ceil(retry_after.total_seconds())))
    return response


def login_routes(engine: Engine, clock: Clock, gate: LoginGate | None = None) -> list[Route]:
    gate = gate or LoginGate()

    async def login_form(request: Request) -> Response:
        return render_page(request, "login")

    async def login_submit(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        client = request.client.host if request.client else "unknown"
        now = clock()
        try:
            coordinator = await gate.run(attempt_login, engine, email, password, client, now)
        except Busy:
            return _too_many(request, email, timedelta(seconds=1),
                             "Många inloggningar just nu. Försök igen om en stund.")
        except Throttled as throttled:
            minutes = math.ceil(throttled.retry_after.total_seconds() / 60)
            return _too_many(request, email, throttled.retry_after,
                             f"För många misslyckade försök härifrån. Försök igen om {minutes} "
                             "minut(er), eller logga in med en inloggningslänk.")
        except LockedOut as locked:
            until = local(locked.until).strftime("%H:%M")
            return _too_many(request, email, locked.until - now,
                             f"För många misslyckade försök. Kontot är låst till {until}. "
                             "En inloggningslänk fungerar ändå.")
        if coordinator is None:
            return render_page(request, "login", 401, email=email, error=WRONG)
        await asyncio.to_thread(_log_login, engine, coordinator, now, "password")
        start_session(request, coordinator, now)
        return RedirectResponse("/", status_code=303)

    def redeem(token: str) -> Coordinator | None:
        now = clock()
        with transaction(engine) as session:
            coordinator = redeem_login_link(session, token, now)
            if coordinator is not None:
                log_action(session, coordinator.email, "login", None, now, by="link")
            return coordinator

    async def login_link(request: Request) -> Response:
        coordinator = await asyncio.to_thread(redeem, request.path_params["token"])
        if coordinator is None:
            return render_page(request, "login", 410, error=(
                "Inloggningslänken är redan använd eller har gått ut. "
                "Logga in med lösenord eller be om en ny länk."))
        start_session(request, coordinator, clock())
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        if await form_with_csrf(request) is None:
            return csrf_rejected()
        cid = request.session.get("cid")
        if isinstance(cid, int):
            await asyncio.to_thread(_end_sessions, engine, cid)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/login/{token}", login_link, methods=["GET"]),
        Route("/logout", logout, methods=["POST"]),
    ]


def _log_login(engine: Engine, coordinator: Coordinator, now: datetime, by: str) -> None:
    with transaction(engine) as session:
        log_action(session, coordinator.email, "login", None, now, by=by)


def _end_sessions(engine: Engine, coordinator_id: int) -> None:
    # Logout ends every session of the coordinator, on every device: one version for all.
    with transaction(engine) as session:
        end_sessions(session, coordinator_id)
