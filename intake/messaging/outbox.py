"""The outbox: messages written with the change that caused them, sent later by a worker."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.clock import Clock
from intake.messaging.tokens import SECRET_FIELDS, SealError, hash_token, issue_token, seal, unseal
from storage.db import is_sqlite, transaction
from storage.models import Assignment, Contact, Outbox

log = logging.getLogger(__name__)

KINDS = ("question", "reminder", "receipt", "summary", "notice")
MAX_ATTEMPTS = 12
# A claim lives as long as its worker renews it (every LEASE / 3): a worker that died on
# another host frees its rows within LEASE; on this host a gone pid frees them at once.
# Tests stretch it to show that a dead pid, not the lease, frees the claims on this host.
LEASE = timedelta(seconds=float(os.environ.get("INTAKE_OUTBOX_LEASE") or 30))


class DeliveryError(Exception):
    """Base of what a transport raises when a message could not be handed over."""


class TransientError(DeliveryError):
    """Try again later (a 4xx reply, a dropped connection, a rate limit).

    `outage`: the channel itself is down (the relay unreachable or deferring everything), so
    the message goes as soon as the channel is seen back, not after its back-off.
    """

    def __init__(self, message: str, retry_after: float | None = None, outage: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.outage = outage


class PermanentError(DeliveryError):
    """Never try this message again (a 5xx reply, a blocked bot); the address is failing."""


@dataclass(frozen=True)
class Delivery:
    """What a transport needs to send one outbox row, detached from the database."""

    id: int
    channel: str
    recipient: str
    kind: str
    template: str
    language: str
    data: Mapping[str, Any]
    question_number: int | None
    assignment_id: int | None
    contact_id: int | None
    thread: tuple[str, ...] = field(default=())  # earlier external ids in this conversation
    message_id: str | None = None  # e-mail: chosen at the first attempt, the same on a resend


Transport = Callable[[Delivery], Awaitable[str | None]]
UndeliverableHook = Callable[[Session, Outbox, PermanentError, datetime], None]


def enqueue(
    session: Session,
    *,
    channel: str,
    contact: Contact,
    kind: str,
    template: str,
    data: dict[str, Any],
    now: datetime,
    assignment: Assignment | None = None,
    question_id: str | None = None,
    question_number: int | None = None,
    dedupe_key: str | None = None,
    due_at: datetime | None = None,
) -> Outbox | None:
    """Add a message to the outbox in the caller's transaction; None if the dedupe key exists."""
    assert kind in KINDS, kind

    def add() -> Outbox:
        recipient = contact.email if channel == "email" else str(contact.telegram_chat_id or "")
        payload = dict(data)
        if channel == "email" and assignment is not None:
            # Each mail gets its own reply address, so a reply names the question it answers.
            payload["reply_token"] = issue_token(
                session, "reply", now, assignment_id=assignment.id, contact_id=contact.id,
                question_id=question_id,
            ).token
        reply_token = payload.get("reply_token")
        payload, sealed = seal(payload)  # the stored copy never holds a live token
        row = Outbox(
            channel=channel, recipient=recipient, contact_id=contact.id,
            assignment_id=assignment.id if assignment else None, kind=kind, template=template,
            language=contact.language, data=payload, question_id=question_id,
            question_number=question_number, dedupe_key=dedupe_key, due_at=due_at or now,
            created_at=now, sealed=sealed,
            reply_token_hash=hash_token(reply_token) if isinstance(reply_token, str) else None,
        )
        session.add(row)
        session.flush()
        return row

    if dedupe_key is None:
        return add()
    try:
        # A savepoint: a message already enqueued takes its reply token back with it.
        with session.begin_nested():
            return add()
    except IntegrityError:
        return None  # already enqueued once: once means once


_OURS: set[str] = set()  # the identities made in this process, all alive while it runs


def worker_identity(role: str = "") -> str:
    """[role:]host:pid:nonce, one per worker: a later process with our pid is another worker."""
    prefix = f"{role}:" if role else ""
    name = f"{prefix}{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    _OURS.add(name)
    return name


def _is_dead(worker: str) -> bool:
    """A claimant on this host whose process is gone, or whose pid is ours but not its name."""
    parts = worker.split(":")
    if len(parts) < 3 or parts[-3] != socket.gethostname() or not parts[-2].isdigit():
        return False  # another host (or a name we cannot read): only its lease tells
    pid = int(parts[-2])
    if pid == os.getpid():
        return worker not in _OURS  # a predecessor that had our pid (a restarted container)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive under another user: not ours to judge
    return False


def _take_back_dead_claims(session: Session, now: datetime) -> None:
    """Rows claimed by a worker that is gone go back to pending (their Message-ID stays)."""
    claimants = set(session.exec(
        select(Outbox.claimed_by).where(Outbox.status == "sending").distinct()))
    dead = [name for name in claimants if name and _is_dead(name)]
    expired = col(Outbox.lease_until) < now
    # Rows claimed before leases existed have none: the old ten-minute rule frees them.
    legacy = col(Outbox.lease_until).is_(None) & (col(Outbox.claimed_at) < now - 20 * LEASE)
    session.exec(
        update(Outbox)
        .where(col(Outbox.status) == "sending",
               expired | legacy | col(Outbox.claimed_by).in_(dead))
        .values(status="pending", claimed_by=None, lease_until=None)
    )


def renew_leases(engine: Engine, worker: str, now: datetime) -> int:
    """Extend this worker's claims: it is alive and still sending them."""
    with transaction(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(Outbox)
            .where(col(Outbox.status) == "sending", col(Outbox.claimed_by) == worker)
            .values(lease_until=now + LEASE))
        return int(result.rowcount or 0)


def release_outage(engine: Engine, channel: str, now: datetime) -> int:
    """The channel is back: what waits in back-off because it was down is due now."""
    with transaction(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(Outbox)
            .where(col(Outbox.channel) == channel, col(Outbox.status) == "pending",
                   col(Outbox.outage).is_(True), col(Outbox.due_at) > now)
            .values(due_at=now))
        return int(result.rowcount or 0)


def claim_due(engine: Engine, now: datetime, worker: str, limit: int = 50,
              channels: Collection[str] | None = None,
              mail_domain: str = "localhost") -> list[Delivery]:
    """Claim up to `limit` due rows for this worker; safe with several workers.

    `channels` limits the claim to channels this worker can send, so a channel that is not
    running here (Telegram without a token) keeps its rows pending instead of burning retries.
    A mail gets its Message-ID (`@mail_domain`) here, at its first attempt, and keeps it.
    """
    with transaction(engine) as session:
        _take_back_dead_claims(session, now)
        query = (
            select(Outbox.id)
            .where(Outbox.status == "pending", Outbox.due_at <= now)
            .order_by(col(Outbox.due_at), col(Outbox.id))
            .limit(limit)
        )
        if channels is not None:
            query = query.where(col(Outbox.channel).in_(list(channels)))
        if not is_sqlite(engine):
            query = query.with_for_update(skip_locked=True)
        ids = list(session.exec(query))
        claimed = []
        for row_id in ids:
            # SQLite ignores FOR UPDATE; the conditional UPDATE's row count is the claim.
            result = session.exec(
                update(Outbox)
                .where(col(Outbox.id) == row_id, col(Outbox.status) == "pending")
                .values(status="sending", claimed_by=worker, claimed_at=now,
                        lease_until=now + LEASE)
            )
            if result.rowcount == 1:
                claimed.append(row_id)
        deliveries = []
        for row_id in claimed:
            row = session.get_one(Outbox, row_id)
            if row.channel == "email" and not row.external_id:
                row.external_id = f"<{secrets.token_hex(16)}@{mail_domain}>"
            try:
                deliveries.append(_delivery(session, row))
            except SealError as exc:
                row.status, row.last_error, row.claimed_by = "failed", str(exc), None
                log.error("outbox %s: %s", row_id, exc)
        return deliveries


def _delivery(session: Session, row: Outbox) -> Delivery:
    thread: tuple[str, ...] = ()
    if row.assignment_id is not None:
        thread = tuple(
            session.exec(
                select(Outbox.external_id)
                .where(
                    Outbox.assignment_id == row.assignment_id,
                    Outbox.channel == row.channel,
                    Outbox.status == "sent",
                    col(Outbox.external_id).is_not(None),
                )
                .order_by(col(Outbox.id))
            )
        )
    return Delivery(
        id=row.id or 0, channel=row.channel, recipient=row.recipient, kind=row.kind,
        template=row.template, language=row.language, data=unseal(row.data, row.sealed),
        question_number=row.question_number, assignment_id=row.assignment_id,
        contact_id=row.contact_id, thread=thread,
        message_id=row.external_id if row.channel == "email" else None,
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at 2 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 7200))


async def send_claimed(
    engine: Engine,
    deliveries: list[Delivery],
    transports: Mapping[str, Transport],
    clock: Clock,
    on_undeliverable: UndeliverableHook | None = None,
) -> int:
    """Send claimed rows one by one, recording each outcome; returns how many were sent."""
    sent = 0
    for delivery in deliveries:
        transport = transports.get(delivery.channel)
        try:
            if transport is None:
                raise TransientError(f"no transport for channel {delivery.channel!r} is running")
            external_id = await transport(delivery)
        except PermanentError as exc:
            _record_failure(engine, delivery, exc, clock(), on_undeliverable)
        except Exception as exc:  # noqa: BLE001 - anything else is worth another try
            _record_retry(engine, delivery, exc, clock())
        else:
            _record_sent(engine, delivery, external_id, clock())
            sent += 1
    return sent


def _record_sent(engine: Engine, delivery: Delivery, external_id: str | None,
                 now: datetime) -> None:
    with transaction(engine) as session:
        row = session.get_one(Outbox, delivery.id)
        row.status, row.sent_at = "sent", now
        row.external_id = external_id or row.external_id
        row.attempts += 1
        row.last_error, row.outage, row.lease_until = None, False, None
        # Sent: the tokens' text goes; the stored copy keeps placeholders (older rows too).
        row.sealed = None
        if any(key in row.data for key in SECRET_FIELDS):
            row.data = dict(row.data) | {k: v for k, v in SECRET_FIELDS.items() if k in row.data}


def _record_retry(engine: Engine, delivery: Delivery, exc: Exception, now: datetime) -> None:
    with transaction(engine) as session:
        row = session.get_one(Outbox, delivery.id)
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        wait = backoff(row.attempts)
        if isinstance(exc, TransientError) and exc.retry_after:
            wait = timedelta(seconds=exc.retry_after)
        row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
        row.due_at = now + wait
        row.claimed_by, row.lease_until = None, None
        row.outage = isinstance(exc, TransientError) and exc.outage
    log.warning("outbox %s: %s, attempt %s", delivery.id, exc, row.attempts)


def _record_failure(
    engine: Engine,
    delivery: Delivery,
    exc: PermanentError,
    now: datetime,
    on_undeliverable: UndeliverableHook | None,
) -> None:
    with transaction(engine) as session:
        row = session.get_one(Outbox, delivery.id)
        row.attempts += 1
        row.status, row.last_error, row.claimed_by = "failed", str(exc)[:500], None
        row.sealed, row.lease_until = None, None  # never sent: its tokens are of no more use
        if on_undeliverable is not None:
            on_undeliverable(session, row, exc, now)
    log.warning("outbox %s failed for good: %s", delivery.id, exc)


async def deliver_due(
    engine: Engine,
    transports: Mapping[str, Transport],
    clock: Clock,
    worker: str,
    on_undeliverable: UndeliverableHook | None = None,
    limit: int = 50,
    channels: Collection[str] | None = None,
    mail_domain: str = "localhost",
) -> int:
    """One pass of the worker: claim what is due and send it."""
    deliveries = claim_due(engine, clock(), worker, limit, channels, mail_domain)
    if not deliveries:
        return 0
    return await send_claimed(engine, deliveries, transports, clock, on_undeliverable)


def pending_count(session: Session) -> int:
    return len(list(session.exec(select(Outbox.id).where(Outbox.status == "pending"))))
