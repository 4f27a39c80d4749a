"""A coordinator reviews a committee with the keyboard alone, in Chromium: no mouse click, no
`fill`, only Tab, Shift+Tab, Space, Enter and typed characters. Log in with a password, open
the committee from the overview, return question 1 with a comment, and (after the contact
answers again and resubmits) approve. Every element that takes focus on the way shows it:
`:focus-visible` matches and a visible outline is drawn.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import sync_playwright

from intake.paths import PROJECT_ROOT
from tests.support.axe import launch, new_page
from tests.support.dashboard import DISTRICT, assignment, district_id, running_dashboard
from tests.support.helpers import run_cli, send

COORDINATOR, PASSWORD = "coordinator@example.se", "rätt häst batteri"
COMMENT = "Beskriv gärna ett konkret exempel från hösten."
MAX_TABS = 250

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
          text: (e.innerText || e.value || label || '').trim().slice(0, 80), label: label.trim(),
          visible: e.matches(':focus-visible'), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow};
}"""


class Keyboard:
    """Moves focus with Tab only, and checks that every stop shows its focus."""

    def __init__(self, page):
        self.page, self.stops = page, 0

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, wanted, backwards: bool = False) -> dict:
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            here = self.focused()
            if here is None:
                continue
            self.stops += 1
            assert here["visible"], f"focus is not :focus-visible on {here}"
            assert (here["outline"] != "none" and here["width"] >= 2) or here["shadow"] != "none", \
                f"no visible focus indicator on {here}"
            if wanted(here):
                return here
        raise AssertionError(f"{MAX_TABS} presses of Tab never reached the element")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def _answer_everything(engine, text: str) -> None:
    now = datetime.now(UTC)
    send(engine, now, DISTRICT, "start", channel="email")
    for number in range(1, 10):
        send(engine, now, DISTRICT, "text", channel="email", text=f"{text} {number}.")
        send(engine, now, DISTRICT, "next", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")


@pytest.fixture
def served_round(cli_env, engine, tmp_path):
    assert run_cli("roster", "import", str(PROJECT_ROOT / "samples" / "roster.csv")).exit_code == 0
    deadline = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%dT17:00")
    assert run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                   "--deadline", deadline).exit_code == 0
    _answer_everything(engine, "Svar")
    assert run_cli("coordinator", "add", COORDINATOR, "--password-stdin",
                   input=PASSWORD + "\n").exit_code == 0
    with running_dashboard(engine, tmp_path / "var") as base:
        yield base


def test_a_coordinator_reviews_and_approves_with_the_keyboard_alone(served_round, engine):
    base = served_round
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, viewport={"width": 1280, "height": 900})
        page.on("dialog", lambda d: pytest.fail(f"unexpected dialog: {d.message}"))
        keys = Keyboard(page)

        page.goto(f"{base}/login")
        keys.tab_to(lambda e: e["name"] == "email")
        keys.type(COORDINATOR)
        keys.tab_to(lambda e: e["name"] == "password")
        keys.type(PASSWORD)
        keys.press("Enter")
        page.wait_for_url(f"{base}/")
        assert page.locator("h1").inner_text() == "Översikt: 2026 VB"

        keys.tab_to(lambda e: e["tag"] == "a" and e["text"] == DISTRICT)
        keys.press("Enter")
        page.wait_for_url(f"{base}/committee/*")
        assert page.locator("h1").inner_text() == DISTRICT

        keys.tab_to(lambda e: e["type"] == "checkbox" and e["label"] == "Skicka tillbaka fråga 1")
        keys.press("Space")
        assert page.get_by_label("Skicka tillbaka fråga 1").is_checked()
        keys.tab_to(lambda e: e["tag"] == "textarea"
                    and e["label"] == "Kommentar till kontakten om fråga 1")
        keys.type(COMMENT)
        keys.tab_to(lambda e: e["tag"] == "button" and e["text"].startswith("Skicka tillbaka"))
        keys.press("Enter")
        page.wait_for_load_state()
        assert "Skickat tillbaka: 1" in page.get_by_role("status").inner_text()
        assert "Återsänd" in page.locator(".status").first.inner_text()
        assert COMMENT in page.locator(".flag").first.inner_text()

        now = datetime.now(UTC)  # the contact answers question 1 again and resubmits
        send(engine, now, DISTRICT, "text", channel="email", text="Ett konkret exempel.")
        send(engine, now, DISTRICT, "next", channel="email")
        send(engine, now, DISTRICT, "submit", channel="email")
        send(engine, now, DISTRICT, "submit", channel="email")
        page.reload()
        first = keys.tab_to(lambda e: True)  # the first stop skips the header
        assert first["text"] == "Hoppa till innehållet"
        keys.press("Enter")
        assert keys.tab_to(lambda e: True)["text"].startswith("← Översikt")
        keys.tab_to(lambda e: e["tag"] == "button" and e["text"] == "Godkänn rapporten")
        keys.press("Enter")
        page.wait_for_load_state()
        assert "Rapporten är godkänd" in page.get_by_role("status").inner_text()
        assert keys.stops >= 8
        browser.close()
    assert assignment(engine, district_id(engine)).status == "approved"
