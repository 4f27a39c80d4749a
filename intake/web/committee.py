"""One committee's page in a round and what a coordinator does there: return questions for
revision, approve, resend the invitation, remind now, hand the form to another contact."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from intake.people.roster import RosterError
from intake.rounds.manage import change_contact, remind_now
from intake.rounds.review import ReviewError, approve, resend_invitation, return_for_revision
from intake.web.context import Form, dashboard, flash, me, posted, problems, take_flash
from intake.web.render import render_page
from intake.web.views import committee_page
from storage.db import transaction
from storage.models import Assignment

NEW_CONTACT_FIELDS = ("contact_name", "email", "phone", "role", "language")


def back_to_committee(assignment_id: int) -> Response:
    return RedirectResponse(f"/committee/{assignment_id}", status_code=303)


async def committee(request: Request) -> Response:
    web = dashboard(request)
    with transaction(web.engine) as session:
        assignment = session.get(Assignment, request.path_params["assignment_id"])
        if assignment is None:
            return PlainTextResponse("Finns inte.", status_code=404)
        data = committee_page(session, assignment, web.clock())
    return render_page(request, "committee", flash=take_flash(request), **data)


@posted
async def act(request: Request, form: Form) -> Response:
    web = dashboard(request)
    assignment_id = request.path_params["assignment_id"]
    action = request.path_params["action"]
    try:
        with transaction(web.engine) as session:
            text = review_action(session, action, assignment_id, form, me(request), web.clock(),
                                 web.telegram)
        flash(request, text)
    except ReviewError as exc:
        flash(request, str(exc), error=True)
    return back_to_committee(assignment_id)


def review_action(session: Session, action: str, assignment_id: int, form: Form, actor: str,
                  now: datetime, telegram: bool) -> str:
    """Do one review action; returns what the coordinator is told."""
    if action == "return":
        chosen = form.get("flag", [])
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        comments = {qid: str(form.get(f"comment-{qid}", "")) for qid in chosen}
        return_for_revision(session, assignment_id, comments, actor, now)
        return f"Skickat tillbaka: {len(comments)} fråga(or)."
    if action == "approve":
        approve(session, assignment_id, actor, now)
        return "Rapporten är godkänd."
    if action == "resend":
        resend_invitation(session, assignment_id, actor, now, telegram)
        return "Inbjudan skickas igen."
    raise ReviewError(f"okänd åtgärd {action!r}")


@posted
async def remind(request: Request, form: Form) -> Response:
    web = dashboard(request)
    assignment_id = request.path_params["assignment_id"]
    try:
        with transaction(web.engine) as session:
            row = remind_now(session, assignment_id, me(request), web.clock())
            where = "Telegram" if row.channel == "telegram" else "e-post"
            flash(request, f"En påminnelse skickas nu till {row.recipient} via {where}.")
    except ReviewError as exc:
        flash(request, str(exc), error=True)
    return back_to_committee(assignment_id)


@posted
async def switch_contact(request: Request, form: Form) -> Response:
    web = dashboard(request)
    assignment_id = request.path_params["assignment_id"]
    choice = str(form.get("contact", ""))
    new = {k: str(form.get(k, "")) for k in NEW_CONTACT_FIELDS} if choice == "new" else None
    try:
        with transaction(web.engine) as session:
            contact, sent, notes = change_contact(
                session, assignment_id, me(request), web.clock(),
                contact_id=int(choice) if choice.isdigit() else None, new=new,
                telegram_enabled=web.telegram)
            text = f"Kontakten är nu {contact.name} <{contact.email}>"
            text += ("; en inbjudan med de frågor som återstår skickas." if sent else
                     "; rapporten är redan inskickad, så ingen inbjudan skickas.")
            flash(request, text, warnings=notes)
    except (ReviewError, RosterError) as exc:
        flash(request, "; ".join(problems(exc)), error=True)
    return back_to_committee(assignment_id)


# The named actions come first: remind-now and contact would otherwise fall into {action}.
routes = [
    Route("/committee/{assignment_id:int}", committee),
    Route("/committee/{assignment_id:int}/remind-now", remind, methods=["POST"]),
    Route("/committee/{assignment_id:int}/contact", switch_contact, methods=["POST"]),
    Route("/committee/{assignment_id:int}/{action:str}", act, methods=["POST"]),
]
