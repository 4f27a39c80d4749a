"""Every POST form needs the session's CSRF token; without it: 403 and nothing changes."""

from __future__ import annotations

from tests.support.dashboard import (
    ANNA,
    PASSWORD,
    add_account,
    assignment,
    client,
    csrf_of,
    logged_in,
    submit_whole_form,
)


def test_an_action_without_or_with_a_wrong_token_is_refused(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    for data in ({}, {"csrf": "forged"}):
        response = web.post(f"/committee/{assignment_id}/approve", data=data)
        assert response.status_code == 403
    assert assignment(engine, assignment_id).status == "submitted"
    token = csrf_of(web.get(f"/committee/{assignment_id}").text)
    web.post(f"/committee/{assignment_id}/approve", data={"csrf": token})
    assert assignment(engine, assignment_id).status == "approved"


def test_login_and_logout_need_the_token_too(engine, clock):
    add_account(engine, clock)
    web = client(engine, clock)
    web.get("/login")
    response = web.post("/login", data={"email": ANNA, "password": PASSWORD})
    assert response.status_code == 403
    assert web.get("/", follow_redirects=False).status_code == 303
    token = csrf_of(web.get("/login").text)
    web.post("/login", data={"email": ANNA, "password": PASSWORD, "csrf": token})
    assert web.post("/logout", data={}).status_code == 403
    assert web.get("/", follow_redirects=False).status_code == 200
    web.post("/logout", data={"csrf": csrf_of(web.get("/").text)})
    assert web.get("/", follow_redirects=False).status_code == 303
