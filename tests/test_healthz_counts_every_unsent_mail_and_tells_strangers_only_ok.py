"""/healthz: the backlog is every unsent row, due or in back-off, with the oldest one's age; a
database that reads but cannot write is a failure; a stranger learns only ok or failing
(X-Forwarded-For never makes a request local), a local request or a session sees the rest."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from conftest import BACKEND
from sqlalchemy import create_engine
from sqlmodel import select
from starlette.testclient import TestClient

from intake.messaging.outbox import enqueue
from intake.operations import health as health_module
from intake.operations.health import HealthMonitor
from intake.web.app import create_app
from storage.db import make_engine, normalise_url, transaction
from storage.models import Contact
from tests.support.dashboard import add_account, login, settings
from tests.support.helpers import load_roster

STRANGER = ("203.0.113.7", 40000)
LOCAL = ("127.0.0.1", 40000)


def _web(engine, clock, client=STRANGER) -> TestClient:
    app = create_app(engine, clock, {"web": "test", "outgoing mail": "relay mx.example.se:25"},
                     settings(), health=HealthMonitor(engine, clock))
    return TestClient(app, client=client)


def _queue(engine, clock) -> None:
    """One mail due now, one in back-off since 20 minutes, one scheduled for tomorrow, one sent."""
    now = clock()
    with transaction(engine) as session:
        contact = session.exec(select(Contact)).first()

        def add(**fields):
            row = enqueue(session, channel="email", contact=contact, kind="notice",
                          template="help", data={}, now=fields.pop("created", now),
                          due_at=fields.pop("due", None))
            for key, value in fields.items():
                setattr(row, key, value)

        add()
        add(created=now - timedelta(minutes=20), due=now + timedelta(minutes=4), attempts=3,
            last_error="TransientError: relay unreachable", outage=True)
        add(due=now + timedelta(days=1))
        add(status="sent", sent_at=now)


def test_the_backlog_counts_mail_in_back_off_and_its_age(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock)
    response = _web(engine, clock, LOCAL).get("/healthz")
    outbox = response.json()["checks"]["outbox"]
    assert outbox["backlog"] == 2  # due now and in back-off; not the scheduled or the sent
    assert outbox["oldest_unsent_age_seconds"] == 20 * 60
    assert response.status_code == 503 and not outbox["ok"]  # older than ten minutes
    assert response.json()["checks"]["database"]["ok"]


def test_a_stranger_learns_only_ok_or_failing_whatever_headers_it_sends(engine, clock):
    load_roster(engine, clock())
    web = _web(engine, clock)
    for headers in ({}, {"X-Forwarded-For": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1",
                                                           "Forwarded": "for=127.0.0.1"}):
        response = web.get("/healthz", headers=headers)
        assert (response.status_code, response.json()) == (200, {"status": "ok"}), headers
    _queue(engine, clock)
    response = web.get("/healthz", headers={"X-Forwarded-For": "127.0.0.1"})
    assert (response.status_code, response.json()) == (503, {"status": "fail"})
    assert "mx.example.se" not in response.text and "backlog" not in response.text


@pytest.mark.parametrize("client", [LOCAL, ("::1", 40000)])
def test_a_local_request_sees_every_check(engine, clock, client):
    body = _web(engine, clock, client).get("/healthz").json()
    assert {"database", "outbox"} <= set(body["checks"])
    assert body["services"]["outgoing mail"] == "relay mx.example.se:25"


def test_a_signed_in_coordinator_sees_every_check_from_afar(engine, clock):
    add_account(engine, clock)
    web = _web(engine, clock)
    assert web.get("/healthz").json() == {"status": "ok"}
    assert login(web).status_code == 303
    body = web.get("/healthz").json()
    assert body["checks"]["outbox"]["backlog"] == 0


def _read_only(db_url: str):
    if BACKEND == "sqlite":
        path = db_url.removeprefix("sqlite:///")
        return make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    return create_engine(normalise_url(db_url),
                         connect_args={"options": "-c default_transaction_read_only=on"})


def test_a_database_that_reads_but_cannot_write_fails_the_check(db_url, engine, clock):
    load_roster(engine, clock())
    read_only = _read_only(db_url)
    try:
        with read_only.connect() as connection:  # it does read
            assert connection.exec_driver_sql("SELECT count(*) FROM contact").scalar()
        response = _web(read_only, clock, LOCAL).get("/healthz")
    finally:
        read_only.dispose()
    assert response.status_code == 503
    database = response.json()["checks"]["database"]
    assert not database["ok"] and "read" in database["error"].lower()


def test_a_locked_database_fails_the_check_within_its_timeout(db_url, engine, clock,
                                                              monkeypatch):
    monkeypatch.setattr(health_module, "DB_TIMEOUT_SECONDS", 1.0)
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        holder_engine = make_engine(db_url)
        with holder_engine.connect() as connection:
            # SQLite: the file's one write lock (every transaction here begins IMMEDIATE);
            # PostgreSQL: the table /healthz writes to.
            if BACKEND == "sqlite":
                connection.exec_driver_sql("SELECT 1")
            else:
                connection.exec_driver_sql("LOCK TABLE heartbeat IN ACCESS EXCLUSIVE MODE")
            held.set()
            release.wait(30)
            connection.rollback()
        holder_engine.dispose()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert held.wait(10)
        # One event loop for the whole client, as uvicorn has: the check's thread may go on
        # waiting for the lock, the answer does not.
        with _web(engine, clock, LOCAL) as web:
            started = time.monotonic()
            response = web.get("/healthz")
            elapsed = time.monotonic() - started
            release.set()
    finally:
        release.set()
        holder.join()
    assert elapsed < 5  # the check's timeout (1 s here), not the database's 30 s busy wait
    assert response.status_code == 503
    assert not response.json()["checks"]["database"]["ok"]
