"""/healthz for monitors: ok or failing to anyone; the details to this machine or a session."""

from __future__ import annotations

import asyncio
import ipaddress

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.operations.health import public_view
from intake.web.auth import session_coordinator
from intake.web.context import dashboard

SESSION_CHECK_SECONDS = 1.0


def is_local(request: Request) -> bool:
    """A request from this machine, by the connection's own address.

    X-Forwarded-For and the like are never read here: anyone can write them. Behind a reverse
    proxy on this host, uvicorn puts the proxy's forwarded address in the connection's place
    (it trusts only 127.0.0.1 for that), so a remote client still counts as remote.
    """
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def may_see_details(request: Request, engine: Engine, clock: Clock) -> bool:
    """A local request or a live session. The session is looked up off the event loop, for a
    second at most, so a locked database never holds /healthz up."""
    if is_local(request):
        return True
    session_data = request.scope.get("session") or {}
    if "cid" not in session_data:
        return False
    try:
        found = await asyncio.wait_for(asyncio.to_thread(
            session_coordinator, session_data, engine, clock()), timeout=SESSION_CHECK_SECONDS)
    except Exception:  # noqa: BLE001 - a failing database: the caller gets the short answer
        return False
    return found is not None


async def healthz(request: Request) -> Response:
    web = dashboard(request)
    report = {"status": "ok"} if web.health is None else await web.health.report()
    report |= {"services": web.started}
    # 200 when every part works, 503 when one fails, whoever asks.
    shown = report if await may_see_details(request, web.engine, web.clock) else public_view(report)
    return JSONResponse(shown, status_code=200 if report["status"] == "ok" else 503)


routes = [Route("/healthz", healthz)]
