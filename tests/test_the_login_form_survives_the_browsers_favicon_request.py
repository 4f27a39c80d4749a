"""A browser asks for /favicon.ico while the login form is open. That request has no login, and
it must not throw away the form's CSRF token: the password login then works on the first try.
"""

from __future__ import annotations

from tests.support.dashboard import ANNA, PASSWORD, add_account, client, csrf_of


def test_a_favicon_request_between_form_and_submit_keeps_the_csrf_token(engine, clock):
    add_account(engine, clock)
    web = client(engine, clock)
    token = csrf_of(web.get("/login").text)
    assert web.get("/favicon.ico", follow_redirects=False).status_code in (303, 404)
    answer = web.post("/login", data={"email": ANNA, "password": PASSWORD, "csrf": token},
                      follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert web.get("/").status_code == 200
