"""The dashboard pages behind the session: overview, committee, actions, downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.records.export import export_rows, to_csv
from intake.rounds.opening import RoundError, find_round, list_rounds
from intake.rounds.review import ReviewError, approve, resend_invitation, return_for_revision
from intake.settings import Settings
from intake.web.auth import csrf_rejected, form_with_csrf
from intake.web.chart import completion_chart
from intake.web.render import render_page
from intake.web.views import SORT_KEYS, STATUS_ORDER, committee_page, overview
from storage.db import transaction
from storage.models import Assignment


def _me(request: Request) -> str:
    return str(request.scope["state"]["coordinator"].email)


def _sort_link(params: dict[str, str], key: str) -> str:
    """The overview's URL sorted by `key`; a second click on the same column reverses it."""
    descending = params.get("sort") == key and params.get("dir") != "desc"
    query = {k: v for k, v in params.items() if k in ("period", "status") and v}
    query |= {"sort": key, "dir": "desc" if descending else "asc"}
    return "/?" + urlencode(query)


def page_routes(engine: Engine, clock: Clock, started: dict[str, str],
                settings: Settings | None) -> list[Route]:
    telegram = bool(settings and settings.telegram_bot_token)

    async def home(request: Request) -> Response:
        params = {k: request.query_params.get(k, "") for k in ("period", "status", "sort", "dir")}
        status = params["status"] if params["status"] in STATUS_ORDER else ""
        with transaction(engine) as session:
            rounds = list_rounds(session)
            try:
                round_ = find_round(session, params["period"] or None)
            except RoundError as exc:
                # No round at all is the normal first state; an unknown period is an error.
                unknown = bool(params["period"])
                return render_page(request, "overview", 404 if unknown else 200, rounds=rounds,
                                   round=None, error=str(exc) if unknown else None,
                                   started=started)
            data = overview(session, round_, status, params["sort"], params["dir"] == "desc")
            chart = completion_chart(session, round_, clock())
        links = {key: _sort_link(params, key) for key in SORT_KEYS}
        # Refreshing by itself is the coordinator's choice, never the default (WCAG 2.2.1).
        auto_refresh = request.query_params.get("refresh") == "1"
        kept = {k: v for k, v in params.items() if v}
        query = urlencode(kept if auto_refresh else kept | {"refresh": "1"})
        refresh_link = "/?" + query if query else "/"
        return render_page(request, "overview", rounds=rounds, round=round_, view=data,
                           params=params, status=status, sort_links=links, started=started,
                           statuses=STATUS_ORDER, chart=chart, auto_refresh=auto_refresh,
                           refresh_link=refresh_link)

    async def committee(request: Request) -> Response:
        with transaction(engine) as session:
            assignment = session.get(Assignment, request.path_params["assignment_id"])
            if assignment is None:
                return PlainTextResponse("Finns inte.", status_code=404)
            data = committee_page(session, assignment, clock())
        message = request.session.pop("flash", None)
        return render_page(request, "committee", flash=message, **data)

    async def act(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        assignment_id = request.path_params["assignment_id"]
        action = request.path_params["action"]
        try:
            with transaction(engine) as session:
                flash = _do(session, action, assignment_id, form, _me(request), clock(), telegram)
        except ReviewError as exc:
            flash = {"error": True, "text": str(exc)}
        request.session["flash"] = flash
        return RedirectResponse(f"/committee/{assignment_id}", status_code=303)

    async def export_csv(request: Request) -> Response:
        with transaction(engine) as session:
            try:
                round_ = find_round(session, request.query_params.get("period") or None)
            except RoundError as exc:
                return PlainTextResponse(str(exc), status_code=404)
            body, period = to_csv(export_rows(session, round_)), round_.period
        name = "svar-" + "-".join(period.split()) + ".csv"
        # A BOM so that Excel, which most coordinators open it in, reads UTF-8.
        return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return [
        Route("/", home),
        Route("/committee/{assignment_id:int}", committee),
        Route("/committee/{assignment_id:int}/{action:str}", act, methods=["POST"]),
        Route("/export.csv", export_csv),
    ]


def _do(session: Any, action: str, assignment_id: int, form: dict[str, Any], actor: str,
        now: Any, telegram: bool) -> dict[str, Any]:
    if action == "return":
        chosen = form.get("flag", [])
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        comments = {qid: str(form.get(f"comment-{qid}", "")) for qid in chosen}
        return_for_revision(session, assignment_id, comments, actor, now)
        return {"error": False, "text": f"Skickat tillbaka: {len(comments)} fråga(or)."}
    if action == "approve":
        approve(session, assignment_id, actor, now)
        return {"error": False, "text": "Rapporten är godkänd."}
    if action == "resend":
        resend_invitation(session, assignment_id, actor, now, telegram)
        return {"error": False, "text": "Inbjudan skickas igen."}
    raise ReviewError(f"okänd åtgärd {action!r}")
