"""The login pages: password, one-time link, logout."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake.clock import Clock, local
from intake.people.coordinators import LockedOut, check_password, redeem_login_link
from intake.rounds.review import log_action
from intake.web.auth import csrf_rejected, form_with_csrf, start_session
from intake.web.render import render_page
from storage.db import transaction


def login_routes(engine: Engine, clock: Clock) -> list[Route]:
    async def login_form(request: Request) -> Response:
        return render_page(request, "login")

    async def login_submit(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        now = clock()
        try:
            with transaction(engine) as session:
                coordinator = check_password(session, email, password, now)
                if coordinator is not None:
                    log_action(session, coordinator.email, "login", None, now, by="password")
        except LockedOut as locked:
            until = local(locked.until).strftime("%H:%M")
            return render_page(request, "login", 429, email=email,
                               error=f"För många misslyckade försök. Kontot är låst till {until}.")
        if coordinator is None:
            return render_page(request, "login", 401, email=email,
                               error="Fel e-postadress eller lösenord.")
        start_session(request, coordinator, now)
        return RedirectResponse("/", status_code=303)

    async def login_link(request: Request) -> Response:
        now = clock()
        with transaction(engine) as session:
            coordinator = redeem_login_link(session, request.path_params["token"], now)
            if coordinator is not None:
                log_action(session, coordinator.email, "login", None, now, by="link")
        if coordinator is None:
            return render_page(request, "login", 410, error=(
                "Inloggningslänken är redan använd eller har gått ut. "
                "Logga in med lösenord eller be om en ny länk."))
        start_session(request, coordinator, now)
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        if await form_with_csrf(request) is None:
            return csrf_rejected()
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/login/{token}", login_link, methods=["GET"]),
        Route("/logout", logout, methods=["POST"]),
    ]
