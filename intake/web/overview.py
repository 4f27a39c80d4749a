"""The dashboard's front page (every committee of a round, filtered and sorted) and its CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from intake.records.export import export_rows, to_csv
from intake.rounds.opening import RoundError, find_round, list_rounds
from intake.web.chart import completion_chart
from intake.web.context import dashboard
from intake.web.render import render_page
from intake.web.views import SORT_KEYS, STATUS_ORDER, overview
from storage.db import transaction


def sort_link(params: dict[str, str], key: str) -> str:
    """The overview's URL sorted by `key`; a second click on the same column reverses it."""
    descending = params.get("sort") == key and params.get("dir") != "desc"
    query = {k: v for k, v in params.items() if k in ("period", "status") and v}
    query |= {"sort": key, "dir": "desc" if descending else "asc"}
    return "/?" + urlencode(query)


def refresh_link(params: dict[str, str], auto_refresh: bool) -> str:
    """The link that turns refreshing by itself on, or (when it is on) off again."""
    kept = {k: v for k, v in params.items() if v}
    query = urlencode(kept if auto_refresh else kept | {"refresh": "1"})
    return "/?" + query if query else "/"


async def home(request: Request) -> Response:
    web = dashboard(request)
    params = {k: request.query_params.get(k, "") for k in ("period", "status", "sort", "dir")}
    status = params["status"] if params["status"] in STATUS_ORDER else ""
    with transaction(web.engine) as session:
        rounds = list_rounds(session)
        try:
            round_ = find_round(session, params["period"] or None)
        except RoundError as exc:
            # No round at all is the normal first state; an unknown period is an error.
            unknown = bool(params["period"])
            return render_page(request, "overview", 404 if unknown else 200, rounds=rounds,
                               round=None, error=str(exc) if unknown else None,
                               started=web.started)
        data = overview(session, round_, status, params["sort"], params["dir"] == "desc")
        chart = completion_chart(session, round_, web.clock())
    links = {key: sort_link(params, key) for key in SORT_KEYS}
    # Refreshing by itself is the coordinator's choice, never the default (WCAG 2.2.1).
    auto_refresh = request.query_params.get("refresh") == "1"
    return render_page(request, "overview", rounds=rounds, round=round_, view=data,
                       params=params, status=status, sort_links=links, started=web.started,
                       statuses=STATUS_ORDER, chart=chart, auto_refresh=auto_refresh,
                       refresh_link=refresh_link(params, auto_refresh))


async def export_csv(request: Request) -> Response:
    with transaction(dashboard(request).engine) as session:
        try:
            round_ = find_round(session, request.query_params.get("period") or None)
        except RoundError as exc:
            return PlainTextResponse(str(exc), status_code=404)
        body, period = to_csv(export_rows(session, round_)), round_.period
    name = "svar-" + "-".join(period.split()) + ".csv"
    # A BOM so that Excel, which most coordinators open it in, reads UTF-8.
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


routes = [
    Route("/", home),
    Route("/export.csv", export_csv),
]
