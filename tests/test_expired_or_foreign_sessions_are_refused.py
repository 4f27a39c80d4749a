"""A session ends after 12 hours; a copied cookie of another coordinator then opens nothing."""

from __future__ import annotations

from tests.support.dashboard import BO, client, logged_in


def test_another_coordinators_expired_session_opens_nothing(engine, clock):
    bo = logged_in(engine, clock, BO)
    cookie = bo.cookies.get("intake_session")
    assert cookie
    clock.advance(hours=12, minutes=1)
    intruder = client(engine, clock)
    intruder.cookies.set("intake_session", cookie)
    response = intruder.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert intruder.get("/export.csv").status_code == 401


def test_a_live_session_works_in_another_client(engine, clock):
    bo = logged_in(engine, clock, BO)
    other = client(engine, clock)
    other.cookies.set("intake_session", bo.cookies.get("intake_session") or "")
    assert BO in other.get("/").text


def test_a_cookie_signed_with_another_key_is_refused(engine, clock):
    bo = logged_in(engine, clock, BO)
    elsewhere = client(engine, clock, secret="some other key")
    elsewhere.cookies.set("intake_session", bo.cookies.get("intake_session") or "")
    assert elsewhere.get("/", follow_redirects=False).status_code == 303
