"""Every dashboard page, in each state a coordinator meets it, has zero WCAG 2.1 AA violations
by axe-core in Chromium: the login page (empty, after a wrong password, after a spent link),
the overview (no round yet, with data, filtered, an unknown period) and a committee page
(not started; with answers, revisions, a returned question, a log and messages; with a notice
and with an error).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import sync_playwright

from intake.paths import PROJECT_ROOT
from storage.db import transaction
from tests.support.axe import assert_accessible, launch, new_page
from tests.support.dashboard import DISTRICT, district_id, running_dashboard
from tests.support.helpers import assignment_of, run_cli, send

COORDINATOR, PASSWORD = "coordinator@example.se", "rätt häst batteri"
QUIET = "Spånga-Tensta stadsdelsnämnd"  # never answers: its page is the "not started" one


def _answer_with_history(engine) -> None:
    """Norrmalm answers everything by mail, revises question 2 by chat and submits."""
    now = datetime.now(UTC)
    send(engine, now, DISTRICT, "start", channel="email")
    for number in range(1, 10):
        send(engine, now, DISTRICT, "answer", channel="email", question=str(number),
             text=f"Svar på fråga {number}.\n\n- en punkt\n- en till")
    send(engine, now, DISTRICT, "edit", channel="telegram", question="2")
    send(engine, now, DISTRICT, "text", channel="telegram", text="Ett bättre svar på fråga 2.")
    send(engine, now, DISTRICT, "submit", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")
    send(engine, now, "Bromma stadsdelsnämnd", "start", channel="email")
    send(engine, now, "Bromma stadsdelsnämnd", "answer", channel="email", question="1",
         text="Ett första svar.")
    with transaction(engine) as session:  # a bouncing address shows a warning on the pages
        contact = assignment_of(session, "Bromma stadsdelsnämnd").contact_id
        from storage.models import Contact
        row = session.get_one(Contact, contact)
        row.email_failing_at, row.email_failure = now, "550 mailbox unavailable"


@pytest.fixture
def dashboard(cli_env, engine, tmp_path):
    var_dir = tmp_path / "var"
    assert run_cli("roster", "import", str(PROJECT_ROOT / "samples" / "roster.csv")).exit_code == 0
    assert run_cli("coordinator", "add", COORDINATOR, "--password-stdin",
                   input=PASSWORD + "\n").exit_code == 0
    with running_dashboard(engine, var_dir) as base:
        yield base


def _open_round() -> None:
    deadline = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%dT17:00")
    assert run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                   "--deadline", deadline).exit_code == 0


def _log_in(page, base: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-postadress").fill(COORDINATOR)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def _check(page, what: str, checked: list[str]) -> None:
    # Open every <details> so the revisions inside are checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_accessible(page, what)
    checked.append(what)


def test_every_dashboard_page_has_no_wcag_violations(dashboard, engine):
    base, checked = dashboard, []
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, viewport={"width": 1280, "height": 900})

        page.goto(f"{base}/login")
        _check(page, "the login page", checked)
        _log_in(page, base, "fel lösenord")
        assert "Fel" in page.get_by_role("alert").inner_text()
        _check(page, "the login page after a wrong password", checked)
        link = run_cli("coordinator", "add", "second@example.se").stdout.strip()
        page.goto(link.replace(link.split("/login/")[0], base))
        page.goto(link.replace(link.split("/login/")[0], base))  # the second use is refused
        _check(page, "the login page after a spent link", checked)

        _log_in(page, base)
        assert page.locator("h1").inner_text() == "Översikt"
        _check(page, "the overview before any round", checked)

        _open_round()
        _answer_with_history(engine)
        page.goto(f"{base}/")
        assert "2026 VB" in page.locator("h1").inner_text()
        _check(page, "the overview with data", checked)
        page.goto(f"{base}/?period=2026+VB&status=submitted&sort=progress&dir=desc")
        _check(page, "the overview filtered and sorted", checked)
        page.goto(f"{base}/?period=1999+VB")
        _check(page, "the overview of an unknown period", checked)

        with transaction(engine) as session:
            quiet = assignment_of(session, QUIET).id
        page.goto(f"{base}/committee/{quiet}")
        _check(page, "a committee page, not started", checked)

        page.goto(f"{base}/committee/{district_id(engine)}")
        page.get_by_label("Skicka tillbaka fråga 2").check()
        page.get_by_label("Kommentar till kontakten om fråga 2").fill("Ge ett exempel.")
        page.get_by_role("button", name="Skicka tillbaka markerade frågor").click()
        assert "Skickat tillbaka" in page.get_by_role("status").inner_text()
        _check(page, "a committee page with answers, history and a notice", checked)

        page.get_by_role("button", name="Skicka inbjudan igen").click()
        page.goto(f"{base}/committee/{district_id(engine)}")
        _check(page, "a committee page with a returned question", checked)

        with transaction(engine) as session:
            bromma = assignment_of(session, "Bromma stadsdelsnämnd").id
        page.goto(f"{base}/committee/{bromma}")
        page.evaluate(f"""() => {{
            const form = document.querySelector('form[action="/committee/{bromma}/resend"]');
            form.action = '/committee/{bromma}/approve'; form.submit(); }}""")
        page.wait_for_load_state()
        assert "only a submitted report" in page.locator(".error").inner_text()
        _check(page, "a committee page with an error", checked)
        browser.close()
    assert len(checked) == 11
