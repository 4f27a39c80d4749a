"""The outbox: claims are exclusive, dedupe keys hold, failures retry or stop for good."""

from __future__ import annotations

import asyncio
import threading

from sqlmodel import select

from intake.messaging.outbox import PermanentError, TransientError, claim_due, deliver_due, enqueue
from intake.messaging.tokens import hash_token
from storage.db import transaction
from storage.models import Contact, Outbox, Token
from tests.support.helpers import assignment_of, live_data, load_roster, open_test_round


def _queue(engine, clock, count, dedupe=None):
    with transaction(engine) as session:
        contact = session.exec(select(Contact)).first()
        for i in range(count):
            enqueue(session, channel="email", contact=contact, kind="notice", template="help",
                    data={"i": i}, now=clock(), dedupe_key=dedupe)


def _pending(engine):
    with transaction(engine) as session:
        return len(session.exec(select(Outbox).where(Outbox.status == "pending")).all())


def test_two_workers_never_claim_the_same_row(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 60)
    claimed: list[list[int]] = [[], []]

    def work(index):
        # An empty batch can mean "the other worker holds the rest for now": stop only
        # when nothing is pending any more.
        while True:
            batch = claim_due(engine, clock(), f"worker-{index}", limit=5)
            claimed[index] += [d.id for d in batch]
            if not batch and _pending(engine) == 0:
                return

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together = claimed[0] + claimed[1]
    assert len(together) == len(set(together)) == 60


def test_a_dedupe_key_enqueues_once(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 3, dedupe="reminder:1:-3")
    with transaction(engine) as session:
        assert len(session.exec(select(Outbox)).all()) == 1


def test_a_mail_enqueued_twice_under_one_dedupe_key_issues_one_reply_token(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    with transaction(engine) as session:
        assignment = assignment_of(session, "Norrmalms stadsdelsnämnd")
        contact = session.get(Contact, assignment.contact_id)
        before = len(session.exec(select(Token).where(Token.purpose == "reply")).all())
        rows = [
            enqueue(session, channel="email", contact=contact, kind="reminder",
                    template="reminder", data={}, now=clock(), assignment=assignment,
                    dedupe_key="reminder:test:-3")
            for _ in range(3)
        ]
        assert rows[0] is not None and rows[1:] == [None, None]
        tokens = session.exec(select(Token).where(Token.purpose == "reply")).all()
        assert len(tokens) == before + 1
        assert hash_token(live_data(rows[0])["reply_token"]) in {t.token_hash for t in tokens}
        assert rows[0].data["reply_token"] == "[token]"  # the stored copy holds no token


def test_transient_errors_retry_later_and_permanent_errors_stop(engine, clock):
    load_roster(engine, clock())
    _queue(engine, clock, 2)
    outcomes = iter([TransientError("421 try later"), PermanentError("550 no such user")])

    async def flaky(delivery):
        raise next(outcomes)

    marked = []
    asyncio.run(deliver_due(engine, {"email": flaky}, clock, "w",
                            on_undeliverable=lambda s, row, exc, now: marked.append(row.id)))
    with transaction(engine) as session:
        rows = session.exec(select(Outbox).order_by(Outbox.id)).all()
        assert [r.status for r in rows] == ["pending", "failed"]
        assert rows[0].attempts == 1 and "421" in rows[0].last_error
        assert marked == [rows[1].id]

    async def works(delivery):
        return "<id@example.se>"

    assert asyncio.run(deliver_due(engine, {"email": works}, clock, "w")) == 0  # not due yet
    clock.advance(minutes=1)
    assert asyncio.run(deliver_due(engine, {"email": works}, clock, "w")) == 1
    with transaction(engine) as session:
        first = session.exec(select(Outbox).order_by(Outbox.id)).first()
        assert (first.status, first.external_id) == ("sent", "<id@example.se>")
