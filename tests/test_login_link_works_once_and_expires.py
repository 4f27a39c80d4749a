"""The one-time login link logs in once, within 24 hours, and never again."""

from __future__ import annotations

from tests.support.dashboard import add_account, client


def test_the_link_logs_in_once(engine, clock):
    token = add_account(engine, clock, password=None)
    web = client(engine, clock)
    response = web.get(f"/login/{token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert web.get("/", follow_redirects=False).status_code == 200
    again = client(engine, clock).get(f"/login/{token}", follow_redirects=False)
    assert again.status_code == 410 and "redan använd" in again.text


def test_the_link_expires_after_a_day(engine, clock):
    token = add_account(engine, clock, password=None)
    clock.advance(hours=24, seconds=1)
    web = client(engine, clock)
    assert web.get(f"/login/{token}", follow_redirects=False).status_code == 410
    assert web.get("/", follow_redirects=False).status_code == 303


def test_a_made_up_link_is_refused(engine, clock):
    web = client(engine, clock)
    assert web.get("/login/not-a-real-token", follow_redirects=False).status_code == 410
