"""Setting up a round in Debian's Chromium against a running `intake serve`: a bad roster is
refused with its line, the good one imported, a bad ladder refused, the round opened, and a
committee reminded now, which reaches the contact's mailbox."""

from __future__ import annotations

import email
import email.policy
import mailbox
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from intake.paths import PROJECT_ROOT
from storage.models import Contact, Round
from tests.support.dashboard import DISTRICT
from tests.support.helpers import run_cli
from tests.support.manage import count
from tests.support.serve import Serve
from tests.support.waiting import wait_until

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _reminder_in(maildir: Path):
    if not maildir.exists():
        return None
    for message in mailbox.Maildir(str(maildir)):
        parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
        if parsed["X-Intake-Kind"] == "reminder":
            return parsed
    return None


@pytest.fixture
def served(cli_env, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-test` installs it")
    link = run_cli("coordinator", "add", "coordinator@example.se").stdout.strip()
    var_dir = tmp_path / "var"
    with Serve(cli_env, tmp_path / "serve.log") as serve:
        yield {"base": serve.url, "token": link.rsplit("/", 1)[1],
               "maildir": var_dir / "maildir"}


def test_a_coordinator_sets_up_a_round_and_nudges_a_committee(served, engine, tmp_path):
    bad = tmp_path / "trasig.csv"
    bad.write_text("committee,kind,contact_name,email,phone\n"
                   "Kulturnämnden,specialist,Eli Exempel,inte-en-adress,08-1\n",
                   encoding="utf-8")
    deadline = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%dT17:00")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{served['base']}/login/{served['token']}")
        page.get_by_role("link", name="Kontakter").click()

        page.get_by_label("CSV-fil").set_input_files(str(bad))
        page.get_by_role("button", name="Läs in").click()
        assert "trasig.csv:2: not an e-mail address" in page.locator("[role=alert]").inner_text()
        assert count(engine, Contact) == 0
        page.get_by_label("CSV-fil").set_input_files(str(PROJECT_ROOT / "samples" / "roster.csv"))
        page.get_by_role("button", name="Läs in").click()
        assert "rows imported" in page.locator("[role=status]").inner_text()
        assert page.get_by_role("heading", name=DISTRICT).count() == 1

        page.get_by_role("link", name="Öppna omgång").click()
        page.get_by_label("Period").fill("2026 VB")
        page.get_by_label("Sista dag (datum och klockslag, svensk tid)", exact=True).fill(deadline)
        page.get_by_label("Påminnelser", exact=False).first.fill("-7,snart")
        page.get_by_role("button", name="Öppna omgången").click()
        assert "'snart' is not a whole number" in page.locator("[role=alert]").inner_text()
        assert count(engine, Round) == 0
        page.get_by_label("Påminnelser", exact=False).first.fill("-5,0")
        page.get_by_role("button", name="Öppna omgången").click()
        assert "Omgången 2026 VB är öppnad" in page.locator("[role=status]").inner_text()

        page.get_by_role("link", name="Till översikten för 2026 VB").click()
        page.get_by_role("link", name=DISTRICT, exact=True).click()
        page.get_by_role("button", name="Skicka en påminnelse nu").click()
        assert "En påminnelse skickas nu" in page.locator("[role=status]").inner_text()
        browser.close()
    reminder = wait_until(lambda: _reminder_in(served["maildir"]), what="the reminder")
    assert reminder["X-Intake-Question"] == "1"
