"""OIDC sign-in in Debian's Chromium against `intake serve` and a test OpenID provider:
a coordinator gets in and out; a forged ID token, a wrong state and an unknown e-mail are
each refused with a clear page; OIDC_ONLY=true leaves no password form."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright
from sqlmodel import col

from storage.models import ActionLog
from tests.support.axe import assert_accessible, launch, new_page
from tests.support.helpers import run_cli
from tests.support.mail import Sink, mail_serve, rows
from tests.support.oidc import CLIENT_ID, CLIENT_SECRET, Provider, Running
from tests.support.serve import Serve

COORDINATOR = "alva.samordnare@example.se"


@pytest.fixture
def signed_in_setup(db_url, tmp_path, cli_env) -> Iterator[tuple[Serve, Provider, Page]]:
    assert run_cli("coordinator", "add", COORDINATOR).exit_code == 0
    sink = Sink()
    sink.start()
    with Running(Provider()) as provider:
        serve = mail_serve(db_url, tmp_path, sink, OIDC_ISSUER=provider.issuer,
                      OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                      OIDC_ONLY="true", SECRET_KEY="test-secret-key")
        serve.env["PUBLIC_URL"] = f"http://127.0.0.1:{serve.web_port}"
        try:
            serve.start()
            with sync_playwright() as pw:
                browser = launch(pw)
                yield serve, provider, new_page(browser)  # CSP bypassed for axe only
                browser.close()
        finally:
            serve.stop()
            sink.stop()


def sign_in(page: Page, serve: Serve, account: str) -> None:
    page.goto(f"http://127.0.0.1:{serve.web_port}/")
    assert page.locator("h1").inner_text() == "Logga in"
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.get_by_label("Konto").fill(account)
    page.get_by_role("button", name="Fortsätt").click()


def test_a_coordinator_signs_in_and_out_and_others_are_refused(signed_in_setup, db_url):
    serve, provider, page = signed_in_setup
    base = f"http://127.0.0.1:{serve.web_port}"
    page.goto(f"{base}/login")
    assert page.locator("input[type=password]").count() == 0  # OIDC_ONLY: no password form
    assert_accessible(page, "the login page with only the organisation's sign-in")

    sign_in(page, serve, COORDINATOR)
    assert page.url == f"{base}/"
    assert page.locator("h1").inner_text() != "Logga in"
    assert provider.token_requests[-1]["code_verifier"]  # PKCE: the verifier went along
    assert rows(db_url, ActionLog, col(ActionLog.action) == "login")[-1].detail == {"by": "oidc"}
    page.get_by_role("button", name="Logga ut").click()
    page.goto(f"{base}/")
    assert page.locator("h1").inner_text() == "Logga in"  # the local session has ended

    sign_in(page, serve, "okand.person@example.se")
    assert page.locator("h1").inner_text() == "Inloggningen nekades"
    assert "okand.person@example.se" in page.locator("[role=alert]").inner_text()
    assert_accessible(page, "the refusal page")
    page.goto(f"{base}/")
    assert page.locator("h1").inner_text() == "Logga in"

    provider.forge = True
    sign_in(page, serve, COORDINATOR)
    assert page.locator("h1").inner_text() == "Inloggningen nekades"
    assert "inte gick att kontrollera" in page.locator("[role=alert]").inner_text()
    assert "signature does not hold" in serve.log.read_text()
    provider.forge = False

    # The provider's answer with another state than the one this browser was given.
    page.goto(f"{base}/login/oidc")
    redirect = urllib.parse.urlparse(page.url)
    assert redirect.netloc == f"127.0.0.1:{provider.port}"
    page.get_by_label("Konto").fill(COORDINATOR)
    page.evaluate("document.querySelector('input[name=state]').value = 'not-the-state'")
    page.get_by_role("button", name="Fortsätt").click()
    assert page.locator("h1").inner_text() == "Inloggningen nekades"
    assert "hörde inte till en inloggning" in page.locator("[role=alert]").inner_text()
    page.goto(f"{base}/")
    assert page.locator("h1").inner_text() == "Logga in"

    posted = page.request.post(f"{base}/login", form={"email": COORDINATOR, "password": "x"})
    assert posted.status == 403
