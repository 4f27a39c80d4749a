"""Password logins: one address is throttled (429, Retry-After) before it alone could lock an
account; five failures from several addresses lock it for 15 minutes; an unknown address is
answered exactly like a wrong password; hashing runs in a bounded worker pool."""

from __future__ import annotations

import asyncio
import threading

import pytest
from starlette.testclient import TestClient

import intake.people.coordinators as coordinators
from intake.people.coordinators import OVERALL_FAILURES, attempt_login
from intake.web.app import create_app
from intake.web.login import Busy, LoginGate
from storage.db import transaction
from storage.models import LoginAttempt
from tests.support.dashboard import ANNA, BO, PASSWORD, add_account, login, settings


class _Watched:
    """The argon2 hasher, noting the cost parameters of every hash it checks."""

    def __init__(self, real, checked: list[str], meanwhile=lambda: None):
        self.real, self.checked, self.meanwhile = real, checked, meanwhile

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        self.checked.append(stored.split("$")[3])  # e.g. "m=65536,t=3,p=4": the same work
        self.meanwhile()
        return self.real.verify(stored, password)


def _from(engine, clock, address: str) -> TestClient:
    return TestClient(create_app(engine, clock, {"web": "test"}, settings()),
                      client=(address, 50000))


def test_one_address_is_throttled_before_it_can_lock_the_account(engine, clock):
    add_account(engine, clock)
    attacker = _from(engine, clock, "203.0.113.7")
    for _ in range(4):
        assert login(attacker, ANNA, "fel lösenord").status_code == 401
    throttled = login(attacker, ANNA, "fel lösenord")
    assert throttled.status_code == 429
    assert 14 * 60 < int(throttled.headers["Retry-After"]) <= 15 * 60
    # Throttled tries are not checked at all: even the right password waits.
    assert login(attacker, ANNA).status_code == 429
    # The attacker never reached the account's lock: Anna logs in from her own address.
    assert login(_from(engine, clock, "198.51.100.20"), ANNA).status_code == 303
    clock.advance(minutes=15, seconds=1)
    assert login(attacker, ANNA, "fel lösenord").status_code == 401  # the window has passed


def test_logging_into_ones_own_account_buys_no_more_guesses(engine, clock):
    add_account(engine, clock)
    add_account(engine, clock, BO)
    insider = _from(engine, clock, "203.0.113.9")
    for _ in range(2):
        assert login(insider, ANNA, "fel lösenord").status_code == 401
        assert login(insider, BO).status_code == 303  # Bo's own, correct password
    assert login(insider, ANNA, "fel lösenord").status_code == 401
    assert login(insider, ANNA, "fel lösenord").status_code == 401
    assert login(insider, ANNA, "fel lösenord").status_code == 429


def test_five_failures_from_several_addresses_lock_for_fifteen_minutes(engine, clock):
    add_account(engine, clock)
    for number in range(5):
        web = _from(engine, clock, f"203.0.113.{number}")
        assert login(web, ANNA, "fel lösenord").status_code == 401
    anna = _from(engine, clock, "198.51.100.20")
    locked = login(anna, ANNA)
    assert locked.status_code == 429 and "låst" in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    clock.advance(minutes=14)
    assert login(anna, ANNA).status_code == 429
    clock.advance(minutes=2)
    assert login(anna, ANNA).status_code == 303


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(engine, clock,
                                                                      monkeypatch):
    add_account(engine, clock)
    checked: list[str] = []
    monkeypatch.setattr(coordinators, "_hasher", _Watched(coordinators._hasher, checked))
    web = _from(engine, clock, "198.51.100.30")
    unknown = login(web, "ingen@example.se", "vad som helst")
    wrong = login(web, ANNA, "vad som helst")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.text.replace("ingen@example.se", ANNA) == wrong.text
    assert "Fel e-postadress eller lösenord" in unknown.text
    assert len(checked) == 2 and checked[0] == checked[1]
    # ... and an unknown address is locked exactly like a real one, so locking tells nothing.
    for number in range(5):
        login(_from(engine, clock, f"203.0.113.{number}"), "ingen@example.se", "x")
    assert login(_from(engine, clock, "198.51.100.31"), "ingen@example.se", "x") \
        .status_code == 429


def test_many_failures_overall_throttle_every_address(engine, clock):
    add_account(engine, clock)
    with transaction(engine) as session:
        session.add_all(LoginAttempt(at=clock(), client_key=f"k{n}", account_key=f"a{n}")
                        for n in range(OVERALL_FAILURES))
    refused = login(_from(engine, clock, "198.51.100.40"), ANNA)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 60
    clock.advance(minutes=1, seconds=1)
    assert login(_from(engine, clock, "198.51.100.40"), ANNA).status_code == 303


def test_hashing_runs_off_the_loop_at_most_two_at_a_time_and_a_full_queue_is_refused():
    gate = LoginGate(workers=2, queue=1)
    release, running, peak = threading.Event(), [], []
    loop_threads: set[int] = set()

    def slow() -> int:
        running.append(1)
        peak.append(len(running))
        release.wait(5)
        running.pop()
        return threading.get_ident()

    async def scenario() -> None:
        loop_threads.add(threading.get_ident())
        tasks = [asyncio.create_task(gate.run(slow)) for _ in range(3)]
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await gate.run(slow)  # two hashing, one waiting: the fourth is refused at once
        release.set()
        workers = await asyncio.gather(*tasks)
        assert loop_threads.isdisjoint(workers)

    asyncio.run(scenario())
    assert max(peak) == 2


def test_the_password_check_holds_no_transaction_while_hashing(engine, clock, monkeypatch):
    add_account(engine, clock)
    seen: list[str] = []

    def write_meanwhile() -> None:
        # Another writer gets the database at once while the hash is checked.
        with transaction(engine) as session:
            session.add(LoginAttempt(at=clock(), client_key="other", ok=True))

    monkeypatch.setattr(coordinators, "_hasher",
                        _Watched(coordinators._hasher, seen, write_meanwhile))
    assert attempt_login(engine, ANNA, PASSWORD, "198.51.100.50", clock()) is not None
    assert len(seen) == 1
