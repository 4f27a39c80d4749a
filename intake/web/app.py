"""The web surface: the coordinators' dashboard, its login, and /healthz."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.operations.health import HealthMonitor
from intake.settings import Settings
from intake.web.auth import SESSION_LIFETIME, RefuseNul, RequireSession, secret_key
from intake.web.downloads import download_routes
from intake.web.login import login_routes
from intake.web.manage import manage_routes
from intake.web.oidc import oidc_routes
from intake.web.pages import page_routes
from intake.web.telegram_page import telegram_routes


class RowId(IntegerConvertor):
    """`{x:int}` in a path: at most 18 digits, so an id always fits the database's integer.

    A longer one matches no route (404) instead of overflowing in the query (500).
    """

    regex = "[0-9]{1,18}"


# Before any Route is made: routes compile their patterns from the registry when created.
register_url_convertor("int", RowId())


def create_app(engine: Engine, clock: Clock, started: dict[str, str],
               settings: Settings | None = None, health: HealthMonitor | None = None,
               bot_username: Callable[[], str | None] = lambda: None) -> Starlette:
    async def healthz(request: Request) -> Response:
        if health is None:
            return JSONResponse({"status": "ok", "services": started})
        # For monitors: 200 when every part works, 503 (with the same detail) when one fails.
        report = await health.report() | {"services": started}
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

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
    # The management routes come first: /committee/N/remind-now and /committee/N/contact would
    # otherwise fall into the committee page's generic /committee/N/{action}.
    # Before login_routes: /login/oidc would otherwise be taken for a one-time /login/{token}.
    routes = [Route("/healthz", healthz), *oidc_routes(engine, clock, settings),
              *login_routes(engine, clock),
              *manage_routes(engine, clock, settings),
              *page_routes(engine, clock, started, settings),
              *download_routes(engine, clock), *telegram_routes(engine, clock, bot_username)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.sign_in = {"oidc": bool(settings and settings.oidc_issuer
                                      and settings.oidc_client_id),
                         "oidc_only": bool(settings and settings.oidc_only)}
    return app
