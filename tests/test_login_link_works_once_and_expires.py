"""The one-time login link logs in once, within 24 hours, and never again."""

from __future__ import annotations

import threading

from intake.people.coordinators import redeem_login_link
from storage.db import transaction
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


def test_two_uses_at_the_same_moment_let_exactly_one_in(engine, clock):
    token = add_account(engine, clock, password=None)
    barrier, results = threading.Barrier(4), []

    def redeem() -> None:
        barrier.wait()
        with transaction(engine) as session:
            results.append(redeem_login_link(session, token, clock()) is not None)

    threads = [threading.Thread(target=redeem) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [False, False, False, True]


def test_a_new_link_ends_the_older_ones(engine, clock):
    first = add_account(engine, clock, password=None)
    second = add_account(engine, clock, password=None)
    web = client(engine, clock)
    assert web.get(f"/login/{first}", follow_redirects=False).status_code == 410
    assert web.get(f"/login/{second}", follow_redirects=False).status_code == 303
