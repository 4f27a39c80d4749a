"""The dashboard's management actions: open a round, the roster, nudges, contacts, held mail.

Every page here is behind the session (RequireSession), every POST checks the CSRF token, and
the work is done by the domain functions in intake/ (manage.py, heldmail.py) inside one
transaction: an error rolls everything back and is shown on the page as the command line
would print it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.collation import committee_order
from intake.forms import FormError
from intake.messaging.held import (
    SHOWN_STATUSES,
    assign_mail,
    assignable,
    discard_mail,
    list_mail,
    read_mail,
)
from intake.people.roster import (
    LANGUAGES,
    ROLES,
    RosterError,
    decode_csv,
    import_roster,
    parse_roster,
)
from intake.rounds.calendar import LadderError
from intake.rounds.manage import (
    change_contact,
    contact_values,
    form_choices,
    open_round_as,
    remind_now,
    save_contact,
)
from intake.rounds.opening import RoundError
from intake.rounds.review import ReviewError, log_action
from intake.settings import Settings
from intake.web.auth import csrf_rejected, form_with_csrf
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Committee, Contact, Inbox

MAX_ROSTER_BYTES = 2_000_000
ROUND_FIELDS = ("form_id", "period", "deadline", "reminders", "reminder_time")
MAIL_STATUS_LABELS = {"held": "Väntar på beslut", "auto_reply": "Autosvar", "bounce": "Studs",
                      "processed": "Kopplad som svar", "discarded": "Kastad"}


def _me(request: Request) -> str:
    return str(request.scope["state"]["coordinator"].email)


def _problems(exc: Exception) -> list[str]:
    """The error's lines, exactly as the command line prints them."""
    lines = getattr(exc, "problems", None)
    return list(lines) if lines else [line for line in str(exc).splitlines() if line.strip()]


def _flash(request: Request, text: str, error: bool = False, **extra: Any) -> None:
    request.session["flash"] = {"error": error, "text": text, **extra}


def manage_routes(engine: Engine, clock: Clock, settings: Settings | None) -> list[Route]:
    """The routes; registered before the committee page's generic action route."""
    telegram = bool(settings and settings.telegram_bot_token)
    forms_dir = settings.forms_dir if settings else None

    # -- open a round ---------------------------------------------------------------------------
    def round_page(request: Request, status: int = 200, **data: Any) -> Response:
        choices, broken = form_choices(forms_dir)
        values = data.pop("values", None) or {}
        if not values.get("form_id") and choices:
            values["form_id"] = choices[0].id
        return render_page(request, "manage_round", status, forms=choices, broken=broken,
                           values=values, flash=request.session.pop("flash", None), **data)

    async def round_new(request: Request) -> Response:
        return round_page(request)

    async def round_open(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        values = {k: str(form.get(k, "")).strip() for k in ROUND_FIELDS}
        try:
            with transaction(engine) as session:
                opened = open_round_as(
                    session, _me(request), values["form_id"], values["period"],
                    values["deadline"], clock(), ladder_text=values["reminders"] or None,
                    reminder_time=values["reminder_time"] or None, forms_dir=forms_dir,
                    telegram_enabled=telegram)
                period = opened.round.period
        except (RoundError, LadderError, FormError) as exc:
            return round_page(request, 400, values=values, errors=_problems(exc))
        _flash(request, f"Omgången {period} är öppnad: {opened.assignments} uppdrag, "
                        f"{opened.invitations} inbjudningar köade.", warnings=opened.warnings,
               period=period)
        return RedirectResponse("/rounds/new", status_code=303)

    # -- the roster -----------------------------------------------------------------------------
    def roster_page(request: Request, status: int = 200, **data: Any) -> Response:
        with transaction(engine) as session:
            committees = sorted(session.exec(select(Committee)),
                                key=lambda c: committee_order(c.kind, c.name))
            contacts: dict[int, list[Contact]] = {}
            for contact in session.exec(select(Contact).order_by(col(Contact.role).desc(),
                                                                 col(Contact.name))):
                contacts.setdefault(contact.committee_id, []).append(contact)
        return render_page(request, "manage_roster", status, committees=committees,
                           contacts=contacts, flash=request.session.pop("flash", None), **data)

    async def roster(request: Request) -> Response:
        return roster_page(request)

    async def roster_import(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return roster_page(request, 400, errors=["Välj en CSV-fil att läsa in."])
        source = upload.filename
        data = await upload.read(MAX_ROSTER_BYTES + 1)
        if len(data) > MAX_ROSTER_BYTES:
            return roster_page(request, 400, errors=[f"{source}: the file is larger than "
                                                     f"{MAX_ROSTER_BYTES // 1_000_000} MB"])
        try:
            rows = parse_roster(decode_csv(data, source), source)
            with transaction(engine) as session:
                result = import_roster(session, rows, clock(), source)
                log_action(session, _me(request), "roster_imported", None, clock(),
                           file=source, rows=len(rows), summary=result.summary())
        except RosterError as exc:
            return roster_page(request, 400, errors=_problems(exc), source=source)
        _flash(request, f"{source}: {len(rows)} rows imported: {result.summary()}",
               warnings=result.notes)
        return RedirectResponse("/roster", status_code=303)

    def contact_page(request: Request, committee: Committee | None, contact: Contact | None,
                     values: dict[str, str], status: int = 200,
                     errors: list[str] | None = None) -> Response:
        return render_page(request, "manage_contact", status, committee=committee,
                           contact=contact, values=values, errors=errors or [], roles=ROLES,
                           languages=LANGUAGES)

    def load_contact(contact_id: int) -> tuple[Committee, Contact] | None:
        # Loaded afresh: after a rolled-back attempt the session's objects are expired.
        with transaction(engine) as session:
            contact = session.get(Contact, contact_id)
            if contact is None:
                return None
            return session.get_one(Committee, contact.committee_id), contact

    def load_committee(committee_id: int) -> Committee | None:
        with transaction(engine) as session:
            return session.get(Committee, committee_id)

    async def contact_edit(request: Request) -> Response:
        found = load_contact(request.path_params["contact_id"])
        if found is None:
            return PlainTextResponse("Finns inte.", status_code=404)
        committee, contact = found
        return contact_page(request, committee, contact, contact_values(contact))

    async def contact_save(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        contact_id = request.path_params["contact_id"]
        if load_contact(contact_id) is None:
            return PlainTextResponse("Finns inte.", status_code=404)
        try:
            with transaction(engine) as session:
                contact = session.get_one(Contact, contact_id)
                committee = session.get_one(Committee, contact.committee_id)
                saved, notes = save_contact(session, committee, values, _me(request), clock(),
                                            contact)
        except RosterError as exc:
            committee, contact = load_contact(contact_id) or (None, None)
            return contact_page(request, committee, contact, values, 400, _problems(exc))
        _flash(request, f"{saved.name} <{saved.email}> är sparad.", warnings=notes)
        return RedirectResponse("/roster", status_code=303)

    async def contact_new(request: Request) -> Response:
        committee = load_committee(request.path_params["committee_id"])
        if committee is None:
            return PlainTextResponse("Finns inte.", status_code=404)
        return contact_page(request, committee, None, {"role": "deputy", "language": "sv"})

    async def contact_add(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        committee_id = request.path_params["committee_id"]
        if load_committee(committee_id) is None:
            return PlainTextResponse("Finns inte.", status_code=404)
        try:
            with transaction(engine) as session:
                committee = session.get_one(Committee, committee_id)
                saved, notes = save_contact(session, committee, values, _me(request), clock())
                name = committee.name
        except RosterError as exc:
            return contact_page(request, load_committee(committee_id), None, values, 400,
                                _problems(exc))
        _flash(request, f"{saved.name} <{saved.email}> är tillagd i {name}.",
               warnings=notes)
        return RedirectResponse("/roster", status_code=303)

    # -- on the committee page ----------------------------------------------------------------
    async def remind(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        assignment_id = request.path_params["assignment_id"]
        try:
            with transaction(engine) as session:
                row = remind_now(session, assignment_id, _me(request), clock())
                where = "Telegram" if row.channel == "telegram" else "e-post"
                _flash(request, f"En påminnelse skickas nu till {row.recipient} via {where}.")
        except ReviewError as exc:
            _flash(request, str(exc), error=True)
        return RedirectResponse(f"/committee/{assignment_id}", status_code=303)

    async def switch_contact(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        assignment_id = request.path_params["assignment_id"]
        choice = str(form.get("contact", ""))
        new = None
        if choice == "new":
            new = {k: str(form.get(k, "")) for k in ("contact_name", "email", "phone", "role",
                                                     "language")}
        try:
            with transaction(engine) as session:
                contact, sent, notes = change_contact(
                    session, assignment_id, _me(request), clock(),
                    contact_id=int(choice) if choice.isdigit() else None, new=new,
                    telegram_enabled=telegram)
                text = f"Kontakten är nu {contact.name} <{contact.email}>"
                text += ("; en inbjudan med de frågor som återstår skickas." if sent else
                         "; rapporten är redan inskickad, så ingen inbjudan skickas.")
                _flash(request, text, warnings=notes)
        except (ReviewError, RosterError) as exc:
            _flash(request, "; ".join(_problems(exc)), error=True)
        return RedirectResponse(f"/committee/{assignment_id}", status_code=303)

    # -- held and automatic mail --------------------------------------------------------------
    async def mail_list(request: Request) -> Response:
        status = request.query_params.get("status", "")
        status = status if status in SHOWN_STATUSES else ""
        with transaction(engine) as session:
            rows = list_mail(session, status or None)
        return render_page(request, "manage_mail", rows=rows, status=status,
                           statuses=SHOWN_STATUSES, mail_labels=MAIL_STATUS_LABELS,
                           flash=request.session.pop("flash", None))

    def mail_page(request: Request, inbox_id: int, status: int = 200,
                  **data: Any) -> Response:
        with transaction(engine) as session:
            row = session.get(Inbox, inbox_id)
            if row is None or row.channel != "email":
                return PlainTextResponse("Finns inte.", status_code=404)
            targets = assignable(session) if row.status == "held" else []
            suggested = row.assignment_id
        mail = read_mail(row.raw)
        values = data.pop("values", None) or {"assignment": str(suggested or ""),
                                              "question": "", "text": mail.body}
        return render_page(request, "manage_mail_one", status, row=row, mail=mail,
                           targets=targets, values=values, mail_labels=MAIL_STATUS_LABELS,
                           flash=request.session.pop("flash", None), **data)

    async def mail_one(request: Request) -> Response:
        return mail_page(request, request.path_params["inbox_id"])

    async def mail_assign(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        inbox_id = request.path_params["inbox_id"]
        values = {k: str(form.get(k, "")) for k in ("assignment", "question", "text")}
        try:
            with transaction(engine) as session:
                target = int(values["assignment"]) if values["assignment"].isdigit() else 0
                number = assign_mail(session, inbox_id, target, values["question"].strip(),
                                     values["text"], _me(request), clock())
        except ReviewError as exc:
            return mail_page(request, inbox_id, 400, values=values, errors=[str(exc)])
        _flash(request, f"Brevet är sparat som svar på fråga {number}.")
        return RedirectResponse(f"/committee/{target}", status_code=303)

    async def mail_discard(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        inbox_id = request.path_params["inbox_id"]
        try:
            with transaction(engine) as session:
                discard_mail(session, inbox_id, _me(request), clock())
        except ReviewError as exc:
            return mail_page(request, inbox_id, 400, errors=[str(exc)])
        _flash(request, f"Brev #{inbox_id} är kastat.")
        return RedirectResponse("/mail", status_code=303)

    return [
        Route("/rounds/new", round_new, methods=["GET"]),
        Route("/rounds/new", round_open, methods=["POST"]),
        Route("/roster", roster, methods=["GET"]),
        Route("/roster/import", roster_import, methods=["POST"]),
        Route("/roster/contacts/{contact_id:int}", contact_edit, methods=["GET"]),
        Route("/roster/contacts/{contact_id:int}", contact_save, methods=["POST"]),
        Route("/roster/committees/{committee_id:int}/contacts", contact_new, methods=["GET"]),
        Route("/roster/committees/{committee_id:int}/contacts", contact_add, methods=["POST"]),
        Route("/committee/{assignment_id:int}/remind-now", remind, methods=["POST"]),
        Route("/committee/{assignment_id:int}/contact", switch_contact, methods=["POST"]),
        Route("/mail", mail_list, methods=["GET"]),
        Route("/mail/{inbox_id:int}", mail_one, methods=["GET"]),
        Route("/mail/{inbox_id:int}/assign", mail_assign, methods=["POST"]),
        Route("/mail/{inbox_id:int}/discard", mail_discard, methods=["POST"]),
    ]
