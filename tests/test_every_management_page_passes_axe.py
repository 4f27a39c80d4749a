"""The management pages (open a round, the roster and its contacts, held and automatic mail,
Telegram linking) have zero WCAG 2.1 AA violations by axe-core in Chromium, empty and in use."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import sync_playwright
from sqlmodel import select

from storage.db import transaction
from storage.models import Committee, Contact, Inbox
from tests.support.axe import launch, new_page
from tests.test_every_dashboard_page_passes_axe import (  # noqa: F401 - the fixture
    _check,
    _log_in,
    _open_round,
    dashboard,
)

HELD = (b"From: Okand Avsandare <okand@example.se>\r\nTo: svar@example.se\r\n"
        b"Subject: Svar om kulturen\r\nMessage-ID: <held-1@example.se>\r\n\r\n"
        b"Vi samverkar med kulturnamnden.\r\n")


def _hold_a_mail(engine) -> int:
    with transaction(engine) as session:
        row = Inbox(channel="email", external_id="<held-1@example.se>|svar@example.se",
                    raw=HELD, sender="okand@example.se", envelope_to="svar@example.se",
                    status="held", note="unknown sender", received_at=datetime.now(UTC))
        session.add(row)
        session.flush()
        return row.id


def test_every_management_page_has_no_wcag_violations(dashboard, engine):  # noqa: F811
    base, checked = dashboard, []
    with transaction(engine) as session:
        contact = session.exec(select(Contact)).first().id
        committee = session.exec(select(Committee)).first().id
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, viewport={"width": 1280, "height": 900})
        _log_in(page, base)
        page.goto(f"{base}/rounds/new")
        _check(page, "the open-a-round page", checked)
        page.get_by_label("Period").fill("2026 VB")
        page.get_by_label("Sista dag (datum och klockslag, svensk tid)").fill("2020-01-01T17:00")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        assert "is in the past" in page.content()
        _check(page, "the open-a-round page with an error", checked)
        _open_round()
        for path, what in [("/roster", "the roster"),
                           (f"/roster/contacts/{contact}", "a contact's edit page"),
                           (f"/roster/committees/{committee}/contacts", "the add-contact page"),
                           ("/mail", "held mail, empty"),
                           ("/telegram", "the Telegram page")]:
            page.goto(f"{base}{path}")
            _check(page, what, checked)
        held = _hold_a_mail(engine)
        page.goto(f"{base}/mail")
        _check(page, "held mail with a message", checked)
        page.goto(f"{base}/mail/{held}")
        assert "Vi samverkar med kulturnamnden." in page.content()
        _check(page, "one held mail", checked)
        browser.close()
    assert len(checked) == 9
