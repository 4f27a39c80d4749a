"""Telegram for coordinators, in-process through the real routers: the dashboard's one-time
deep link links the account, /overview gives the overview's numbers, and a submit queues a
push to every linked coordinator in the submit's own transaction."""

from __future__ import annotations

import re

from sqlmodel import select
from starlette.testclient import TestClient

from bot.telegram.render import render
from intake.rounds.opening import find_round
from intake.rounds.status import round_status
from intake.web.app import create_app
from storage.db import transaction
from storage.models import Coordinator, Outbox
from tests.support.dashboard import (
    ANNA,
    BO,
    DISTRICT,
    add_account,
    client,
    csrf_of,
    login,
    settings,
    submit_whole_form,
)
from tests.support.helpers import load_roster, open_test_round, send
from tests.support.telegram_chat import Chat, sent_to, templates_sent

BOT = "intake_test_bot"
ANNA_TG = 515_001  # fictional Telegram users
BO_TG = 515_002
STRANGER_TG = 515_099


def _dashboard(engine, clock, email: str = ANNA) -> TestClient:
    add_account(engine, clock, email)
    web = TestClient(create_app(engine, clock, {"web": "test"}, settings(),
                                    bot_username=lambda: BOT))
    assert login(web, email).status_code == 303
    return web


def _new_link(web: TestClient) -> str:
    page = web.get("/telegram")
    assert f"@{BOT}" in page.text
    response = web.post("/telegram/link", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 200
    found = re.search(rf'href="https://t\.me/{BOT}\?start=([A-Za-z0-9_-]+)"', response.text)
    assert found, response.text
    return found.group(1)


def _coordinator(engine, email: str) -> Coordinator:
    with transaction(engine) as session:
        found = session.exec(select(Coordinator).where(Coordinator.email == email)).one()
        session.expunge(found)
        return found


def test_the_deep_link_links_once_and_overview_has_the_dashboards_numbers(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    send(engine, clock(), DISTRICT, "start")
    send(engine, clock(), DISTRICT, "text", text="Svar på fråga 1 & <b>mer</b>.")
    web = _dashboard(engine, clock)
    token = _new_link(web)

    anna = Chat(engine, clock, ANNA_TG, first_name="Anna")
    anna.message(f"/start {token}")
    assert templates_sent(engine, ANNA_TG) == ["coordinator_linked"]
    assert _coordinator(engine, ANNA).telegram_user_id == ANNA_TG
    assert "Ditt Telegram-konto är kopplat" in web.get("/telegram").text

    stranger = Chat(engine, clock, STRANGER_TG)
    stranger.message(f"/start {token}")  # used once already
    assert templates_sent(engine, STRANGER_TG) == ["link_invalid"]
    assert _coordinator(engine, ANNA).telegram_user_id == ANNA_TG
    stranger.message("/overview")  # not a coordinator: the contacts' routers answer as before
    assert templates_sent(engine, STRANGER_TG) == ["link_invalid", "not_linked"]

    anna.message("/overview")
    row = sent_to(engine, ANNA_TG)[-1]
    assert row.template == "coordinator_overview"
    with transaction(engine) as session:
        status = round_status(session, find_round(session, "2026 T3"))
    assert row.data["counts"] == {"not_started": 2, "in_progress": 1, "returned": 0,
                                  "submitted": 0, "approved": 0}
    assert row.data["rows"] == [{"committee": s.committee, "status": s.status,
                                 "answered": s.answered, "total": s.total} for s in status]
    text = render(row.template, row.language, row.data)
    assert "<b>Översikt 2026 T3</b>" in text
    assert f"{DISTRICT}: 1/9 · Pågår" in text and "Ej påbörjad: 2" in text
    anna.message("/overview 1999 VB")
    assert "ingen omgång för perioden 1999 VB" in render(
        "coordinator_no_round", "sv", sent_to(engine, ANNA_TG)[-1].data)
    anna.message("/start")
    anna.message("Hur går det?")
    assert templates_sent(engine, ANNA_TG)[-2:] == ["coordinator_help"] * 2
    overview_page = web.get("/").text
    assert "Besvarade frågor: 1 av 29" in overview_page and "Besvarade frågor: 1/29" in text


def test_a_submit_pushes_to_every_linked_coordinator_and_nobody_else(engine, clock):
    anna_web = _dashboard(engine, clock)
    Chat(engine, clock, ANNA_TG).message(f"/start {_new_link(anna_web)}")
    add_account(engine, clock, BO)  # Bo has not linked Telegram
    submit_whole_form(engine, clock)
    with transaction(engine) as session:
        pushes = list(session.exec(select(Outbox).where(
            Outbox.template == "coordinator_submitted")))
        session.expunge_all()
    assert [(p.channel, p.recipient, p.contact_id, p.assignment_id) for p in pushes] == \
        [("telegram", str(ANNA_TG), None, None)]
    text = render(pushes[0].template, pushes[0].language, pushes[0].data)
    assert f"<b>{DISTRICT}</b> har skickat in sin rapport för 2026 T3" in text
    assert "Inskickade: 1 av 3" in text


def test_a_new_link_replaces_the_old_one_and_unlinking_stops_the_pushes(engine, clock):
    web = _dashboard(engine, clock)
    first, second = _new_link(web), _new_link(web)
    Chat(engine, clock, ANNA_TG).message(f"/start {first}")
    assert templates_sent(engine, ANNA_TG) == ["link_invalid"]
    clock.advance(minutes=61)
    Chat(engine, clock, ANNA_TG).message(f"/start {second}")  # expired after an hour
    assert templates_sent(engine, ANNA_TG) == ["link_invalid", "link_invalid"]
    assert _coordinator(engine, ANNA).telegram_user_id is None

    assert login(web).status_code == 303
    Chat(engine, clock, ANNA_TG).message(f"/start {_new_link(web)}")
    assert _coordinator(engine, ANNA).telegram_chat_id == ANNA_TG
    page = web.get("/telegram").text
    assert web.post("/telegram/unlink", data={"csrf": csrf_of(page)}).status_code == 200
    assert _coordinator(engine, ANNA).telegram_user_id is None
    submit_whole_form(engine, clock)
    assert "coordinator_submitted" not in templates_sent(engine, ANNA_TG)


def test_without_telegram_the_page_says_so_and_makes_no_link(engine, clock):
    add_account(engine, clock)
    web = client(engine, clock)
    assert login(web).status_code == 303
    page = web.get("/telegram")
    assert page.status_code == 200 and "Telegram är inte konfigurerat" in page.text
    assert web.post("/telegram/link", data={"csrf": csrf_of(page.text)}).status_code == 409
    assert web.post("/telegram/link", data={"csrf": "forged"}).status_code == 403
    anonymous = client(engine, clock)
    assert anonymous.get("/telegram", follow_redirects=False).status_code == 303
    assert anonymous.post("/telegram/link", data={"csrf": "x"}).status_code == 401
