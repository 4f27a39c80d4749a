"""Held and automatic mail in the dashboard: the list, one mail, assigning it as an answer or
discarding it (the decisions are intake.messaging.held's)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from intake.messaging.held import (
    SHOWN_STATUSES,
    assign_mail,
    assignable,
    discard_mail,
    list_mail,
    read_mail,
)
from intake.rounds.review import ReviewError
from intake.web.context import Form, dashboard, flash, me, posted, take_flash
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Inbox

MAIL_STATUS_LABELS = {"held": "Väntar på beslut", "auto_reply": "Autosvar", "bounce": "Studs",
                      "processed": "Kopplad som svar", "discarded": "Kastad"}


async def mail_list(request: Request) -> Response:
    status = request.query_params.get("status", "")
    status = status if status in SHOWN_STATUSES else ""
    with transaction(dashboard(request).engine) as session:
        rows = list_mail(session, status or None)
    return render_page(request, "manage_mail", rows=rows, status=status,
                       statuses=SHOWN_STATUSES, mail_labels=MAIL_STATUS_LABELS,
                       flash=take_flash(request))


def mail_page(request: Request, inbox_id: int, status: int = 200, **data: Any) -> Response:
    with transaction(dashboard(request).engine) as session:
        row = session.get(Inbox, inbox_id)
        if row is None or row.channel != "email":
            return PlainTextResponse("Finns inte.", status_code=404)
        targets = assignable(session) if row.status == "held" else []
        suggested = row.assignment_id
    mail = read_mail(row.raw)
    values = data.pop("values", None) or {"assignment": str(suggested or ""),
                                          "question": "", "text": mail.answer}
    return render_page(request, "manage_mail_one", status, row=row, mail=mail,
                       targets=targets, values=values, mail_labels=MAIL_STATUS_LABELS,
                       flash=take_flash(request), **data)


async def mail_one(request: Request) -> Response:
    return mail_page(request, request.path_params["inbox_id"])


@posted
async def mail_assign(request: Request, form: Form) -> Response:
    web = dashboard(request)
    inbox_id = request.path_params["inbox_id"]
    values = {k: str(form.get(k, "")) for k in ("assignment", "question", "text")}
    try:
        with transaction(web.engine) as session:
            target = int(values["assignment"]) if values["assignment"].isdigit() else 0
            number = assign_mail(session, inbox_id, target, values["question"].strip(),
                                 values["text"], me(request), web.clock())
    except ReviewError as exc:
        return mail_page(request, inbox_id, 400, values=values, errors=[str(exc)])
    flash(request, f"Brevet är sparat som svar på fråga {number}.")
    return RedirectResponse(f"/committee/{target}", status_code=303)


@posted
async def mail_discard(request: Request, form: Form) -> Response:
    web = dashboard(request)
    inbox_id = request.path_params["inbox_id"]
    try:
        with transaction(web.engine) as session:
            discard_mail(session, inbox_id, me(request), web.clock())
    except ReviewError as exc:
        return mail_page(request, inbox_id, 400, errors=[str(exc)])
    flash(request, f"Brev #{inbox_id} är kastat.")
    return RedirectResponse("/mail", status_code=303)


routes = [
    Route("/mail", mail_list, methods=["GET"]),
    Route("/mail/{inbox_id:int}", mail_one, methods=["GET"]),
    Route("/mail/{inbox_id:int}/assign", mail_assign, methods=["POST"]),
    Route("/mail/{inbox_id:int}/discard", mail_discard, methods=["POST"]),
]
