"""The web surface: for now the status page of the running service."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.rounds import RoundError, find_round
from intake.status import round_status
from intake.texts import environment
from storage.db import transaction


def create_app(engine: Engine, clock: Clock, started: dict[str, str]) -> Starlette:
    async def overview(request: Request) -> Response:
        with transaction(engine) as session:
            try:
                round_ = find_round(session, request.query_params.get("period"))
                rows, period = round_status(session, round_), round_.period
            except RoundError:
                rows, period = [], None
        html = environment().get_template("web/status.html.j2").render(
            lang="sv", rows=rows, period=period, started=started)
        return HTMLResponse(html)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "services": started})

    return Starlette(routes=[Route("/", overview), Route("/healthz", healthz)])
