"""The roster in the dashboard: every committee's contacts, a CSV import, one contact's form."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from intake.collation import committee_order
from intake.people.roster import (
    LANGUAGES,
    ROLES,
    RosterError,
    decode_csv,
    import_roster,
    parse_roster,
)
from intake.rounds.manage import contact_values, save_contact
from intake.rounds.review import log_action
from intake.web.context import Dashboard, Form, dashboard, flash, me, posted, problems, take_flash
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Committee, Contact

MAX_ROSTER_BYTES = 2_000_000


def roster_page(request: Request, status: int = 200, **data: Any) -> Response:
    with transaction(dashboard(request).engine) as session:
        committees = sorted(session.exec(select(Committee)),
                            key=lambda c: committee_order(c.kind, c.name))
        contacts: dict[int, list[Contact]] = {}
        for contact in session.exec(select(Contact).order_by(col(Contact.role).desc(),
                                                             col(Contact.name))):
            contacts.setdefault(contact.committee_id, []).append(contact)
    return render_page(request, "manage_roster", status, committees=committees,
                       contacts=contacts, flash=take_flash(request), **data)


async def roster(request: Request) -> Response:
    return roster_page(request)


@posted
async def roster_import(request: Request, form: Form) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return roster_page(request, 400, errors=["Välj en CSV-fil att läsa in."])
    source = upload.filename
    data = await upload.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        return roster_page(request, 400, errors=[f"{source}: the file is larger than "
                                                 f"{MAX_ROSTER_BYTES // 1_000_000} MB"])
    web = dashboard(request)
    try:
        rows = parse_roster(decode_csv(data, source), source)
        with transaction(web.engine) as session:
            result = import_roster(session, rows, web.clock(), source)
            log_action(session, me(request), "roster_imported", None, web.clock(),
                       file=source, rows=len(rows), summary=result.summary())
    except RosterError as exc:
        return roster_page(request, 400, errors=problems(exc), source=source)
    flash(request, f"{source}: {len(rows)} rows imported: {result.summary()}",
          warnings=result.notes)
    return RedirectResponse("/roster", status_code=303)


def contact_page(request: Request, committee: Committee | None, contact: Contact | None,
                 values: dict[str, str], status: int = 200,
                 errors: list[str] | None = None) -> Response:
    return render_page(request, "manage_contact", status, committee=committee,
                       contact=contact, values=values, errors=errors or [], roles=ROLES,
                       languages=LANGUAGES)


def load_contact(web: Dashboard, contact_id: int) -> tuple[Committee, Contact] | None:
    # Loaded afresh: after a rolled-back attempt the session's objects are expired.
    with transaction(web.engine) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            return None
        return session.get_one(Committee, contact.committee_id), contact


def load_committee(web: Dashboard, committee_id: int) -> Committee | None:
    with transaction(web.engine) as session:
        return session.get(Committee, committee_id)


def text_fields(form: Form) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


async def contact_edit(request: Request) -> Response:
    found = load_contact(dashboard(request), request.path_params["contact_id"])
    if found is None:
        return PlainTextResponse("Finns inte.", status_code=404)
    committee, contact = found
    return contact_page(request, committee, contact, contact_values(contact))


@posted
async def contact_save(request: Request, form: Form) -> Response:
    web, values = dashboard(request), text_fields(form)
    contact_id = request.path_params["contact_id"]
    if load_contact(web, contact_id) is None:
        return PlainTextResponse("Finns inte.", status_code=404)
    try:
        with transaction(web.engine) as session:
            contact = session.get_one(Contact, contact_id)
            committee = session.get_one(Committee, contact.committee_id)
            saved, notes = save_contact(session, committee, values, me(request), web.clock(),
                                        contact)
    except RosterError as exc:
        committee, contact = load_contact(web, contact_id) or (None, None)
        return contact_page(request, committee, contact, values, 400, problems(exc))
    flash(request, f"{saved.name} <{saved.email}> är sparad.", warnings=notes)
    return RedirectResponse("/roster", status_code=303)


async def contact_new(request: Request) -> Response:
    committee = load_committee(dashboard(request), request.path_params["committee_id"])
    if committee is None:
        return PlainTextResponse("Finns inte.", status_code=404)
    return contact_page(request, committee, None, {"role": "deputy", "language": "sv"})


@posted
async def contact_add(request: Request, form: Form) -> Response:
    web, values = dashboard(request), text_fields(form)
    committee_id = request.path_params["committee_id"]
    if load_committee(web, committee_id) is None:
        return PlainTextResponse("Finns inte.", status_code=404)
    try:
        with transaction(web.engine) as session:
            committee = session.get_one(Committee, committee_id)
            saved, notes = save_contact(session, committee, values, me(request), web.clock())
            name = committee.name
    except RosterError as exc:
        return contact_page(request, load_committee(web, committee_id), None, values, 400,
                            problems(exc))
    flash(request, f"{saved.name} <{saved.email}> är tillagd i {name}.", warnings=notes)
    return RedirectResponse("/roster", status_code=303)


routes = [
    Route("/roster", roster, methods=["GET"]),
    Route("/roster/import", roster_import, methods=["POST"]),
    Route("/roster/contacts/{contact_id:int}", contact_edit, methods=["GET"]),
    Route("/roster/contacts/{contact_id:int}", contact_save, methods=["POST"]),
    Route("/roster/committees/{committee_id:int}/contacts", contact_new, methods=["GET"]),
    Route("/roster/committees/{committee_id:int}/contacts", contact_add, methods=["POST"]),
]
