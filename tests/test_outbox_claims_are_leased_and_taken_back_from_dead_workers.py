"""Outbox claims carry the worker's identity and a lease: a dead worker's rows come back at
once (same host, pid gone) or when the lease runs out (another host); a resend keeps the
first attempt's Message-ID; a channel seen back sends what waited for it at once."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from intake.clock import from_db
from intake.messaging.outbox import (
    LEASE,
    TransientError,
    claim_due,
    deliver_due,
    enqueue,
    release_outage,
    renew_leases,
    worker_identity,
)
from intake.operations.health import HealthMonitor
from storage.db import transaction
from storage.models import Contact, Outbox
from tests.support.helpers import load_roster


def _queue(engine, clock, count: int) -> None:
    with transaction(engine) as session:
        contact = session.exec(select(Contact)).first()
        for i in range(count):
            enqueue(session, channel="email", contact=contact, kind="notice", template="help",
                    data={"i": i}, now=clock())


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _rows(engine) -> list[Outbox]:
    with transaction(engine) as session:
        return list(session.exec(select(Outbox).order_by(col(Outbox.id))))


def test_a_dead_workers_claims_on_this_host_come_back_at_once(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 3)
    dead = f"{socket.gethostname()}:{_dead_pid()}:0badcafe"
    first = claim_due(engine, clock(), dead)
    assert len(first) == 3 and all(d.message_id for d in first)
    # No time passes: the lease is fresh, but its owner's process is gone.
    again = claim_due(engine, clock(), worker_identity())
    assert [d.id for d in again] == [d.id for d in first]
    # The resend is the same mail to the recipient's server: the same Message-ID.
    assert [d.message_id for d in again] == [d.message_id for d in first]
    assert "@localhost>" in first[0].message_id


def test_a_live_workers_claims_stay_while_it_renews_its_lease(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 2)
    alive = worker_identity()
    assert len(claim_due(engine, clock(), alive)) == 2
    other = "host.elsewhere.example.se:4242:0d15ea5e"
    for _ in range(3):  # longer than one lease in all, renewed on the way
        clock.advance(seconds=LEASE.total_seconds() * 2 / 3)
        assert renew_leases(engine, alive, clock()) == 2
        assert claim_due(engine, clock(), other) == []
    assert {r.claimed_by for r in _rows(engine)} == {alive}


def test_another_hosts_claims_come_back_when_their_lease_runs_out(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 2)
    gone = "host.elsewhere.example.se:4242:0d15ea5e"
    assert len(claim_due(engine, clock(), gone)) == 2
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert claim_due(engine, clock(), worker_identity()) == []  # it may still be sending
    clock.advance(seconds=2)
    assert len(claim_due(engine, clock(), worker_identity())) == 2


def test_a_message_id_chosen_at_the_first_attempt_survives_a_failed_send(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 1)
    seen: list[str | None] = []

    async def flaky(delivery):
        seen.append(delivery.message_id)
        if len(seen) == 1:
            raise TransientError("relay deferred: 451 try later")
        return delivery.message_id

    asyncio.run(deliver_due(engine, {"email": flaky}, clock, "w", mail_domain="svar.example.se"))
    clock.advance(minutes=5)
    asyncio.run(deliver_due(engine, {"email": flaky}, clock, "w", mail_domain="svar.example.se"))
    row = _rows(engine)[0]
    assert row.status == "sent" and seen[0] == seen[1] == row.external_id
    assert row.external_id.endswith("@svar.example.se>")


def test_mail_in_back_off_for_an_outage_is_due_the_moment_the_relay_is_back(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 2)

    async def down_for_one(delivery):
        if delivery.data["i"] == 0:
            raise TransientError("relay unreachable: connection refused", outage=True)
        raise TransientError("relay deferred the recipient: [450]")  # this one's own trouble

    for _ in range(3):  # three failures: the back-off has grown to minutes
        asyncio.run(deliver_due(engine, {"email": down_for_one}, clock, "w"))
        clock.advance(minutes=5)
        with transaction(engine) as session:
            session.exec(update(Outbox).values(due_at=clock()))
    asyncio.run(deliver_due(engine, {"email": down_for_one}, clock, "w"))
    outage, own = _rows(engine)
    assert outage.outage and not own.outage
    assert release_outage(engine, "email", clock()) == 1
    outage, own = _rows(engine)
    assert from_db(outage.due_at) == clock()
    assert from_db(own.due_at) > clock() + timedelta(minutes=1)  # waits out its back-off


def test_the_relay_probe_calls_back_when_it_sees_the_relay_again(engine, clock):
    answers = iter(["cannot connect", "cannot connect", None, None])
    backs: list[str] = []

    async def run() -> None:
        monitor = HealthMonitor(engine, clock)
        stop = asyncio.Event()

        async def probe() -> str | None:
            answer = next(answers, None)
            if answer is None and len(backs) >= 1:
                stop.set()
            return answer

        async def back() -> None:
            backs.append("back")

        await asyncio.wait_for(monitor.watch("relay", "x", probe, 0.01, stop, on_back=back), 10)

    asyncio.run(run())
    assert backs == ["back"]  # once, on the change from failing to working
