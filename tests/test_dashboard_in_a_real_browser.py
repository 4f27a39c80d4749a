"""The dashboard in Debian's Chromium, driven by Playwright, against a running `intake serve`:
log in by the one-time link, read the overview, open a committee, return a question with a
comment, see the contact receive it by mail, approve after the contact resubmits, download
the consolidated DOCX from the overview and read it back with python-docx.

Set INTAKE_SCREENSHOTS=docs to refresh docs/dashboard-overview.png and -committee.png.
"""

from __future__ import annotations

import csv
import email
import email.policy
import mailbox
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import pytest
from playwright.sync_api import sync_playwright

from intake.paths import PROJECT_ROOT
from tests.support.dashboard import DISTRICT, assignment, district_id
from tests.support.helpers import run_cli, send
from tests.support.serve import Serve
from tests.support.waiting import wait_until

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
COMMENT = "Beskriv gärna ett konkret exempel från hösten."


def _answer_everything(engine, text: str) -> None:
    now = datetime.now(UTC)
    send(engine, now, DISTRICT, "start", channel="email")
    for number in range(1, 10):
        send(engine, now, DISTRICT, "text", channel="email", text=f"{text} {number}.")
        send(engine, now, DISTRICT, "next", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")


def _mail_with(maildir: Path, needle: str):
    if not maildir.exists():
        return None
    for message in mailbox.Maildir(str(maildir)):
        parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
        if needle in parsed.get_body(("plain",)).get_content():
            return parsed
    return None


@pytest.fixture
def served_round(cli_env, engine, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-test` installs it")
    assert run_cli("roster", "import", str(PROJECT_ROOT / "samples" / "roster.csv")).exit_code == 0
    deadline = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%dT17:00")
    assert run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                   "--deadline", deadline).exit_code == 0
    _answer_everything(engine, "Vi har <script>alert(1)</script> samverkat, svar")
    link = run_cli("coordinator", "add", "coordinator@example.se").stdout.strip()
    var_dir = tmp_path / "var"
    with Serve(cli_env, tmp_path / "serve.log") as serve:
        yield {"base": serve.url, "token": link.rsplit("/", 1)[1],
               "maildir": var_dir / "maildir"}


def _check_consolidated_docx(path: Path) -> None:
    """The downloaded report opens in python-docx and names every committee of the roster."""
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    with (PROJECT_ROOT / "samples" / "roster.csv").open(encoding="utf-8") as roster:
        committees = {row["committee"] for row in csv.DictReader(roster)}
    assert DISTRICT in committees
    missing = [name for name in committees if name not in text]
    assert not missing, missing
    assert "Ett konkret exempel." in text


def _shot(page, name: str, tmp_path: Path) -> None:
    where = PROJECT_ROOT / "docs" if os.environ.get("INTAKE_SCREENSHOTS") == "docs" else tmp_path
    page.screenshot(path=str(where / name), full_page=name.endswith("overview.png"))


def test_a_coordinator_reviews_a_committee_in_the_browser(served_round, engine, tmp_path):
    base = served_round["base"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/login/{served_round['token']}")
        assert page.locator("h1").inner_text() == "Översikt: 2026 VB"
        row = page.locator("tr", has=page.get_by_role("link", name=DISTRICT, exact=True))
        assert "Inskickad" in row.inner_text() and "9/9" in row.inner_text()
        _shot(page, "dashboard-overview.png", tmp_path)

        page.get_by_role("link", name=DISTRICT, exact=True).click()
        assert page.locator("h1").inner_text() == DISTRICT
        assert "<script>alert(1)</script>" in page.locator(".answer").first.inner_text()
        page.get_by_label("Skicka tillbaka fråga 1").check()
        page.get_by_label("Kommentar till kontakten om fråga 1").fill(COMMENT)
        page.get_by_role("button", name="Skicka tillbaka markerade frågor").click()
        assert "Skickat tillbaka: 1" in page.locator("[role=status]").inner_text()
        assert "Återsänd" in page.locator(".status").first.inner_text()

        mail = wait_until(lambda: _mail_with(served_round["maildir"], COMMENT),
                          what="the returned questions' mail")
        assert mail["X-Intake-Kind"] == "question" and mail["X-Intake-Question"] == "1"
        assert mail["To"].addresses[0].addr_spec == "noa.demosson@example.se"

        now = datetime.now(UTC)
        send(engine, now, DISTRICT, "text", channel="email", text="Ett konkret exempel.")
        send(engine, now, DISTRICT, "next", channel="email")
        send(engine, now, DISTRICT, "submit", channel="email")
        send(engine, now, DISTRICT, "submit", channel="email")
        page.reload()
        page.get_by_role("button", name="Godkänn rapporten").click()
        assert "Rapporten är godkänd" in page.locator("[role=status]").inner_text()
        assert "approved" in page.locator("table").first.inner_text()
        _shot(page, "dashboard-committee.png", tmp_path)

        page.get_by_role("link", name="← Översikt").click()
        with page.expect_download() as download:
            page.get_by_role("region", name="Ladda ner").get_by_role(
                "link", name="Word (DOCX)").first.click()
        assert download.value.suggested_filename == "2026-VB-naringsliv-sammanstallning.docx"
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        _check_consolidated_docx(saved)
        assert dialogs == []
        browser.close()
    assert assignment(engine, district_id(engine)).status == "approved"
