"""Downloads behind the session: the reports in every format and the Excel export of answers.

Every path ends in the file's extension, so the session guard answers 401 (not a redirect
to the login page) to a download without a session; see `DOWNLOAD_SUFFIXES` in auth.py.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from intake.records.export import export_rows
from intake.records.report import FORMATS, ReportError, file_name, render
from intake.records.report.loading import load_period_report
from intake.rounds.opening import RoundError, find_round
from intake.web.context import Dashboard, dashboard
from storage.db import transaction
from storage.models import Assignment, Committee, Round

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment(body: bytes, name: str, fmt: str) -> Response:
    """A file to save, never to show inline: the HTML report holds contacts' own words."""
    headers = {
        # The names are ASCII by construction (report.writing.slug), so no filename* needed.
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "img-src data:; sandbox",
        "Cache-Control": "no-store",
    }
    return Response(body, media_type=CONTENT_TYPES[fmt], headers=headers)


def not_found(text: str) -> Response:
    return PlainTextResponse(text, status_code=404)


def consolidated_file(web: Dashboard, period: str | None, fmt: str) -> tuple[bytes, str]:
    with transaction(web.engine) as session:
        round_ = find_round(session, period)
        report = load_period_report(session, round_.period, web.clock())
    return render(report, fmt), file_name(report, fmt, None)


def committee_file(web: Dashboard, assignment_id: int, fmt: str) -> tuple[bytes, str] | None:
    with transaction(web.engine) as session:
        assignment = session.get(Assignment, assignment_id)
        if assignment is None:
            return None
        period = session.get_one(Round, assignment.round_id).period
        name = session.get_one(Committee, assignment.committee_id).name
        report = load_period_report(session, period, web.clock(), committee=name)
    return render(report, fmt, name), file_name(report, fmt, name)


def workbook(web: Dashboard, period: str | None) -> tuple[bytes, str]:
    # openpyxl is imported on the first Excel download, not on every `intake` start.
    from intake.records.spreadsheet import to_xlsx

    with transaction(web.engine) as session:
        round_ = find_round(session, period)
        rows, name = export_rows(session, round_), round_.period
    return to_xlsx(rows, name, web.clock()), "svar-" + "-".join(name.split()) + ".xlsx"


async def consolidated(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return not_found(f"Okänt format {fmt!r}.")
    try:
        # Rendering a PDF takes a while: off the event loop, so other pages stay quick.
        body, name = await run_in_threadpool(
            consolidated_file, dashboard(request), request.query_params.get("period") or None,
            fmt)
    except (RoundError, ReportError) as exc:
        return not_found(str(exc))
    return attachment(body, name, fmt)


async def committee(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return not_found(f"Okänt format {fmt!r}.")
    try:
        found = await run_in_threadpool(
            committee_file, dashboard(request), request.path_params["assignment_id"], fmt)
    except ReportError as exc:
        return not_found(str(exc))
    if found is None:
        return not_found("Finns inte.")
    return attachment(found[0], found[1], fmt)


async def excel(request: Request) -> Response:
    try:
        body, name = await run_in_threadpool(
            workbook, dashboard(request), request.query_params.get("period") or None)
    except RoundError as exc:
        return not_found(str(exc))
    return attachment(body, name, "xlsx")


routes = [
    Route("/report.{fmt:str}", consolidated),
    Route("/committee/{assignment_id:int}/report.{fmt:str}", committee),
    Route("/export.xlsx", excel),
]
