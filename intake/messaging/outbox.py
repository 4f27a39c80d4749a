"""The outbox: messages written with the change that caused them, sent later by a worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.clock import Clock
from intake.messaging.channels import Channel, as_channel
from intake.messaging.rendering import Rendered, render_message
from intake.messaging.tokens import issue_token
from storage.db import is_sqlite, transaction
from storage.models import Assignment, Contact, Coordinator, Outbox

log = logging.getLogger(__name__)

KINDS = ("question", "reminder", "receipt", "summary", "notice")
MAX_ATTEMPTS = 12
STALE_CLAIM = timedelta(minutes=10)


class DeliveryError(Exception):
    """Base of what a transport raises when a message could not be handed over."""


class TransientError(DeliveryError):
    """Try again later (a 4xx reply, a dropped connection, a rate limit)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Never try this message again (a 5xx reply, a blocked bot); the address is failing."""


@dataclass(frozen=True)
class Recipient:
    """Whoever a message goes to: a contact, a deputy, a colleague, a coordinator, a stranger."""

    channel: str
    address: str  # an e-mail address or a chat id
    language: str = "sv"
    contact_id: int | None = None

    @classmethod
    def contact(cls, contact: Contact, channel: str) -> Recipient:
        address = contact.email if channel == "email" else str(contact.telegram_chat_id or "")
        return cls(channel, address, contact.language, contact.id)

    @classmethod
    def coordinator(cls, coordinator: Coordinator, channel: str = "email") -> Recipient:
        address = coordinator.email if channel == "email" \
            else str(coordinator.telegram_chat_id or "")
        return cls(channel, address, "sv")


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
    rendered: Rendered | None = None  # None: the transport renders it (and it is stored then)


@dataclass(frozen=True)
class Sent:
    """A transport's answer: the channel's id of the message and, if it rendered, what."""

    external_id: str | None
    rendered: Rendered | None = None


Transport = Callable[[Delivery], Awaitable["str | Sent | None"]]
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
    """A message to a contact (main, deputy or colleague) on `channel`; see `send_to`."""
    return send_to(session, Recipient.contact(contact, channel), kind=kind, template=template,
                   data=data, now=now, assignment=assignment, question_id=question_id,
                   question_number=question_number, dedupe_key=dedupe_key, due_at=due_at)


def send_to(
    session: Session,
    recipient: Recipient,
    *,
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
    """The one outbox entry point: add a message in the caller's transaction, rendered now.

    None if the dedupe key exists already. A mail about an assignment to a contact gets its
    own reply token, so a reply names the question it answers.
    """
    assert kind in KINDS, kind

    def add() -> Outbox:
        payload = dict(data)
        if recipient.channel == "email" and assignment is not None \
                and recipient.contact_id is not None:
            payload["reply_token"] = issue_token(
                session, "reply", now, assignment_id=assignment.id,
                contact_id=recipient.contact_id, question_id=question_id, flush=False,
            ).token
        rendered = render_message(recipient.channel, template, recipient.language, payload)
        row = Outbox(
            channel=recipient.channel, recipient=recipient.address,
            contact_id=recipient.contact_id,
            assignment_id=assignment.id if assignment else None, kind=kind, template=template,
            language=recipient.language, data=payload, question_id=question_id,
            question_number=question_number, dedupe_key=dedupe_key, due_at=due_at or now,
            created_at=now,
        )
        _store_rendered(row, rendered)
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


def _store_rendered(row: Outbox, rendered: Rendered | None) -> None:
    if rendered is not None:
        row.subject, row.body_text = rendered.subject, rendered.text
        row.body_html, row.buttons = rendered.html, rendered.buttons


def stored_rendered(row: Outbox) -> Rendered | None:
    if row.body_text is None:
        return None
    return Rendered(text=row.body_text, subject=row.subject, html=row.body_html,
                    buttons=row.buttons)


def sent_text(session: Session, assignment_id: int, reply_token: str) -> str | None:
    """The text of our own mail that carried this reply token, as it was sent."""
    rows = session.exec(select(Outbox).where(
        Outbox.assignment_id == assignment_id, Outbox.channel == "email"))
    for row in rows:
        if row.data.get("reply_token") != reply_token:
            continue
        if row.body_text is not None:
            return row.body_text
        # Rendered at sending and not sent yet (or older than the stored copies): render.
        from intake.messaging.rendering import render_mail

        return render_mail(row.template, row.language, row.data).text
    return None


def _reset_stale_claims(session: Session, now: datetime) -> None:
    # A worker that died mid-send leaves rows "sending"; give them back after a while.
    session.exec(
        update(Outbox)
        .where(col(Outbox.status) == "sending", col(Outbox.claimed_at) < now - STALE_CLAIM)
        .values(status="pending", claimed_by=None)
    )


def claim_due(engine: Engine, now: datetime, worker: str, limit: int = 50,
              channels: Collection[str] | None = None) -> list[Delivery]:
    """Claim up to `limit` due rows for this worker; safe with several workers.

    `channels` limits the claim to channels this worker can send, so a channel that is not
    running here (Telegram without a token) keeps its rows pending instead of burning retries.
    """
    with transaction(engine) as session:
        _reset_stale_claims(session, now)
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
                .values(status="sending", claimed_by=worker, claimed_at=now)
            )
            if result.rowcount == 1:
                claimed.append(row_id)
        return [_delivery(session, session.get_one(Outbox, row_id)) for row_id in claimed]


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
        template=row.template, language=row.language, data=dict(row.data),
        question_number=row.question_number, assignment_id=row.assignment_id,
        contact_id=row.contact_id, thread=thread, rendered=stored_rendered(row),
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at 2 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 7200))


Outcome = tuple[Delivery, "str | Sent | None | BaseException"]


async def send_claimed(
    engine: Engine,
    deliveries: list[Delivery],
    transports: Mapping[str, Transport | Channel],
    clock: Clock,
    on_undeliverable: UndeliverableHook | None = None,
) -> int:
    """Send claimed rows, a batch per channel, and record every outcome in one transaction.

    A channel that sends batches (one relay connection for many mails, chats at once) gets
    its rows together; otherwise rows go one by one. Returns how many were sent.
    """
    outcomes: list[Outcome] = []
    for name, batch in _by_channel(deliveries).items():
        channel = as_channel(name, transports.get(name))
        if channel is None:
            missing = TransientError(f"no transport for channel {name!r} is running")
            outcomes += [(delivery, missing) for delivery in batch]
        elif channel.send_batch is not None:
            outcomes += zip(batch, await channel.send_batch(batch), strict=True)
        else:
            for delivery in batch:
                try:
                    outcomes.append((delivery, await channel.send(delivery)))
                except Exception as exc:  # noqa: BLE001 - recorded below, retried
                    outcomes.append((delivery, exc))
    # Off the event loop: the commit waits for the disk.
    return await asyncio.to_thread(_record_outcomes, engine, outcomes, transports, clock(),
                                   on_undeliverable)


def _by_channel(deliveries: list[Delivery]) -> dict[str, list[Delivery]]:
    grouped: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        grouped.setdefault(delivery.channel, []).append(delivery)
    return grouped


def _record_outcomes(engine: Engine, outcomes: list[Outcome],
                     transports: Mapping[str, Transport | Channel], now: datetime,
                     on_undeliverable: UndeliverableHook | None) -> int:
    sent = 0
    with transaction(engine) as session:
        for delivery, outcome in outcomes:
            row = session.get_one(Outbox, delivery.id)
            if isinstance(outcome, PermanentError):
                channel = as_channel(delivery.channel, transports.get(delivery.channel))
                hook = channel.on_undeliverable if channel and channel.on_undeliverable \
                    else on_undeliverable
                _record_failure(session, row, outcome, now, hook)
            elif isinstance(outcome, BaseException):
                _record_retry(row, outcome, now)
            else:
                _record_sent(row, outcome, now)
                sent += 1
    return sent


def _record_sent(row: Outbox, outcome: str | Sent | None, now: datetime) -> None:
    sent = outcome if isinstance(outcome, Sent) else Sent(outcome)
    row.status, row.sent_at, row.external_id = "sent", now, sent.external_id
    row.attempts += 1
    row.last_error = None
    if row.body_text is None:
        _store_rendered(row, sent.rendered)  # rendered by the transport: keep what went out


def _record_retry(row: Outbox, exc: BaseException, now: datetime) -> None:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
    wait = backoff(row.attempts)
    if isinstance(exc, TransientError) and exc.retry_after:
        wait = timedelta(seconds=exc.retry_after)
    row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
    row.due_at = now + wait
    row.claimed_by = None
    log.warning("outbox %s: %s, attempt %s", row.id, exc, row.attempts)


def _record_failure(session: Session, row: Outbox, exc: PermanentError, now: datetime,
                    on_undeliverable: UndeliverableHook | None) -> None:
    row.attempts += 1
    row.status, row.last_error, row.claimed_by = "failed", str(exc)[:500], None
    if on_undeliverable is not None:
        on_undeliverable(session, row, exc, now)
    log.warning("outbox %s failed for good: %s", row.id, exc)


async def deliver_due(
    engine: Engine,
    transports: Mapping[str, Transport | Channel],
    clock: Clock,
    worker: str,
    on_undeliverable: UndeliverableHook | None = None,
    limit: int = 50,
    channels: Collection[str] | None = None,
) -> int:
    """One pass of the worker: claim what is due and send it."""
    deliveries = claim_due(engine, clock(), worker, limit, channels)
    if not deliveries:
        return 0
    return await send_claimed(engine, deliveries, transports, clock, on_undeliverable)


def pending_count(session: Session) -> int:
    return len(list(session.exec(select(Outbox.id).where(Outbox.status == "pending"))))
