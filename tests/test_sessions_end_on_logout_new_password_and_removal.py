"""Sessions are revocable: logging out, a new password or removing the coordinator ends every
session of that coordinator at once, on every device."""

from __future__ import annotations

from starlette.testclient import TestClient

from intake.people.coordinators import add_coordinator
from storage.db import transaction
from tests.support.dashboard import ANNA, BO, PASSWORD, client, csrf_of, logged_in
from tests.support.helpers import run_cli


def _second_device(engine, clock, first: TestClient) -> TestClient:
    other = client(engine, clock)
    # The cookie is all a session is: a copy of it works in another browser, until revoked.
    other.cookies.set("intake_session", first.cookies.get("intake_session") or "")
    return other


def _is_in(web: TestClient) -> bool:
    return web.get("/", follow_redirects=False).status_code == 200


def test_logout_ends_every_session_of_that_coordinator(engine, clock):
    phone = logged_in(engine, clock)
    laptop = client(engine, clock)
    laptop.post("/login", data={"email": ANNA, "password": PASSWORD,
                                "csrf": csrf_of(laptop.get("/login").text)})
    bo = logged_in(engine, clock, BO)
    stolen = _second_device(engine, clock, phone)  # a copy of the cookie, kept elsewhere
    assert _is_in(phone) and _is_in(laptop) and _is_in(stolen)
    token = csrf_of(phone.get("/").text)
    assert phone.post("/logout", data={"csrf": token}, follow_redirects=False) \
        .status_code == 303
    assert not _is_in(phone) and not _is_in(laptop) and not _is_in(stolen)
    assert stolen.get("/export.csv").status_code == 401
    assert _is_in(bo)  # another coordinator's session is untouched


def test_a_new_password_ends_every_session(engine, clock):
    web = logged_in(engine, clock)
    with transaction(engine) as session:
        add_coordinator(session, ANNA, clock(), "ett helt nytt lösenord")
    assert not _is_in(web)


def test_a_new_password_from_the_command_line_ends_them_too(cli_env, engine, clock):
    web = logged_in(engine, clock)
    result = run_cli("coordinator", "add", ANNA, "--password-stdin",
                     input="ett helt nytt lösenord\n")
    assert result.exit_code == 0, result.stderr
    assert not _is_in(web)


def test_removing_the_coordinator_ends_every_session(cli_env, engine, clock):
    web = logged_in(engine, clock)
    removed = run_cli("coordinator", "remove", ANNA)
    assert removed.exit_code == 0, removed.stderr
    assert not _is_in(web)
    # An account added after, under whatever id the database gives it, is not let in either.
    assert run_cli("coordinator", "add", ANNA).exit_code == 0
    assert not _is_in(web)
    assert run_cli("coordinator", "remove", "ingen@example.se").exit_code == 1
