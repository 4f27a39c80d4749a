"""Shared set-up for the dashboard tests: the app in-process or served in a thread, accounts,
logins, a filled form."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from sqlalchemy import Engine
from starlette.testclient import TestClient

from intake.people.coordinators import add_coordinator
from intake.settings import Settings
from intake.web.app import create_app
from storage.db import transaction
from storage.models import Assignment
from tests.support.helpers import assignment_of, load_roster, open_test_round, send
from tests.support.waiting import free_port, wait_until

PASSWORD = "rätt häst batteri"
ANNA = "anna.samordnare@example.se"
BO = "bo.samordnare@example.se"
DISTRICT = "Norrmalms stadsdelsnämnd"


def settings(tmp: Path | None = None) -> Settings:
    return Settings(database_url="", var_dir=tmp or Path("/nonexistent"),
                    secret_key="a test key, never used elsewhere")


def client(engine: Engine, clock, secret: str | None = None) -> TestClient:
    config = settings()
    if secret is not None:
        config = Settings(database_url="", var_dir=config.var_dir, secret_key=secret)
    return TestClient(create_app(engine, clock, {"web": "test"}, config))


def add_account(engine: Engine, clock, email: str = ANNA,
                password: str | None = PASSWORD) -> str:
    """Create a coordinator; returns the one-time login token."""
    with transaction(engine) as session:
        return add_coordinator(session, email, clock(), password).token


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(web: TestClient, email: str = ANNA, password: str = PASSWORD):
    token = csrf_of(web.get("/login").text)
    return web.post("/login", data={"email": email, "password": password, "csrf": token},
                    follow_redirects=False)


def logged_in(engine: Engine, clock, email: str = ANNA) -> TestClient:
    add_account(engine, clock, email)
    web = client(engine, clock)
    assert login(web, email).status_code == 303
    return web


def open_round_with_answers(engine: Engine, clock) -> int:
    """The sample round; Norrmalm has answered questions 1-3 by Telegram. Returns its id."""
    load_roster(engine, clock())
    open_test_round(engine, clock())
    send(engine, clock(), DISTRICT, "start")
    for number in (1, 2, 3):
        send(engine, clock(), DISTRICT, "text", text=f"Svar på fråga {number}.")
        send(engine, clock(), DISTRICT, "next")
    return district_id(engine)


def submit_whole_form(engine: Engine, clock) -> int:
    load_roster(engine, clock())
    open_test_round(engine, clock())
    send(engine, clock(), DISTRICT, "start")
    for number in range(1, 10):
        send(engine, clock(), DISTRICT, "text", text=f"Svar på fråga {number}.")
        send(engine, clock(), DISTRICT, "next")
    send(engine, clock(), DISTRICT, "submit")
    send(engine, clock(), DISTRICT, "submit")
    return district_id(engine)


def district_id(engine: Engine) -> int:
    with transaction(engine) as session:
        return assignment_of(session, DISTRICT).id or 0


def assignment(engine: Engine, assignment_id: int) -> Assignment:
    with transaction(engine) as session:
        return session.get_one(Assignment, assignment_id)


@contextmanager
def running_dashboard(engine: Engine, var_dir: Path) -> Iterator[str]:
    """The dashboard served by uvicorn in a thread, with the real clock; yields its base URL.

    For browser tests that need only the web surface: it starts in well under a second even
    on a busy machine, where a whole `intake serve` takes many.
    """
    port = free_port()
    app = create_app(engine, lambda: datetime.now(UTC), {"web": f"http://127.0.0.1:{port}"},
                     settings(var_dir))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def started() -> bool:
        assert thread.is_alive(), "the dashboard did not start"
        return bool(server.started)

    wait_until(started, 60, "the dashboard to start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
