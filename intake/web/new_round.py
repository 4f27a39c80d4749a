"""Opening a round from the dashboard, with the same checks and messages as `intake round open`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake.forms import FormError
from intake.rounds.calendar import LadderError
from intake.rounds.manage import form_choices, open_round_as
from intake.rounds.opening import RoundError
from intake.web.context import Form, dashboard, flash, me, posted, problems, take_flash
from intake.web.render import render_page
from storage.db import transaction

ROUND_FIELDS = ("form_id", "period", "deadline", "reminders", "reminder_time")


def round_page(request: Request, status: int = 200, **data: Any) -> Response:
    choices, broken = form_choices(dashboard(request).forms_dir)
    values = data.pop("values", None) or {}
    if not values.get("form_id") and choices:
        values["form_id"] = choices[0].id
    return render_page(request, "manage_round", status, forms=choices, broken=broken,
                       values=values, flash=take_flash(request), **data)


async def round_new(request: Request) -> Response:
    return round_page(request)


@posted
async def round_open(request: Request, form: Form) -> Response:
    web = dashboard(request)
    values = {k: str(form.get(k, "")).strip() for k in ROUND_FIELDS}
    try:
        with transaction(web.engine) as session:
            opened = open_round_as(
                session, me(request), values["form_id"], values["period"],
                values["deadline"], web.clock(), ladder_text=values["reminders"] or None,
                reminder_time=values["reminder_time"] or None, forms_dir=web.forms_dir,
                telegram_enabled=web.telegram)
            period = opened.round.period
    except (RoundError, LadderError, FormError) as exc:
        return round_page(request, 400, values=values, errors=problems(exc))
    flash(request, f"Omgången {period} är öppnad: {opened.assignments} uppdrag, "
                   f"{opened.invitations} inbjudningar köade.", warnings=opened.warnings,
          period=period)
    return RedirectResponse("/rounds/new", status_code=303)


routes = [
    Route("/rounds/new", round_new, methods=["GET"]),
    Route("/rounds/new", round_open, methods=["POST"]),
]
