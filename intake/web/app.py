"""The web surface: the coordinators' dashboard, its login, and /healthz."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from intake.clock import Clock
from intake.operations.health import HealthMonitor
from intake.settings import Settings
from intake.web import (
    committee,
    downloads,
    healthz,
    held_mail,
    new_round,
    overview,
    roster,
    telegram_page,
)
from intake.web.auth import SESSION_LIFETIME, RefuseNul, RequireSession, secret_key
from intake.web.context import Dashboard
from intake.web.login import login_routes
from intake.web.oidc import oidc_routes


def create_app(engine: Engine, clock: Clock, started: dict[str, str],
               settings: Settings | None = None, health: HealthMonitor | None = None,
               bot_username: Callable[[], str | None] = lambda: None) -> Starlette:
    https = bool(settings and settings.public_url.startswith("https://"))
    middleware = [
        Middleware(RefuseNul),
        # Order matters: the session is decoded before RequireSession looks at it.
        Middleware(SessionMiddleware, secret_key=secret_key(settings.secret_key if settings
                                                            else ""),
                   session_cookie="intake_session", max_age=int(SESSION_LIFETIME.total_seconds()),
                   same_site="lax", https_only=https),
        Middleware(RequireSession, engine=engine, clock=clock),
    ]
    # Before login_routes: /login/oidc would otherwise be taken for a one-time /login/{token}.
    routes = [*healthz.routes, *oidc_routes(engine, clock, settings),
              *login_routes(engine, clock), *new_round.routes,
              *roster.routes, *held_mail.routes, *overview.routes, *committee.routes,
              *downloads.routes, *telegram_page.routes]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.dashboard = Dashboard(engine, clock, started, settings, health, bot_username)
    app.state.sign_in = {"oidc": bool(settings and settings.oidc_issuer
                                      and settings.oidc_client_id),
                         "oidc_only": bool(settings and settings.oidc_only)}
    return app
