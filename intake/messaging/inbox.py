"""The inbox: every inbound update or e-mail stored raw first, then processed from there."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.clock import Clock, from_db
from intake.messaging.tokens import hash_token
from storage.db import is_sqlite, transaction
from storage.models import Assignment, Inbox, Round, Token

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5

# A channel's processor reads one raw row, applies it, and sets the row's status.
Processor = Callable[[Session, Inbox, datetime], None]


def store_inbound(engine: Engine, *, channel: str, external_id: str, raw: bytes, now: datetime,
                  sender: str | None = None, envelope_from: str | None = None,
                  envelope_to: str | None = None) -> tuple[int, bool]:
    """Commit the raw message; (row id, True) if new, (existing id, False) if seen before."""
    try:
        with transaction(engine) as session:
            row = Inbox(channel=channel, external_id=external_id, raw=raw, sender=sender,
                        envelope_from=envelope_from, envelope_to=envelope_to, received_at=now)
            session.add(row)
            session.flush()
            return row.id or 0, True
    except IntegrityError:
        with transaction(engine) as session:
            existing = session.exec(select(Inbox.id).where(
                Inbox.channel == channel, Inbox.external_id == external_id)).one()
            return existing, False


def reply_token_is_live(engine: Engine, token: str, now: datetime) -> bool:
    """A mail reply token that belongs to a round still open."""
    with transaction(engine) as session:
        found = session.exec(
            select(Token, Round.closed_at)
            .join(Assignment, col(Assignment.id) == col(Token.assignment_id))
            .join(Round, col(Round.id) == col(Assignment.round_id))
            .where(Token.token_hash == hash_token(token), Token.purpose == "reply")
        ).first()
    if found is None:
        return False
    expires = from_db(found[0].expires_at)  # a hand-over expires the earlier contact's tokens
    if expires is not None and expires <= now:
        return False
    closed_at = from_db(found[1])
    return closed_at is None or closed_at > now


def pending_ids(engine: Engine, channel: str, limit: int = 100) -> list[int]:
    with transaction(engine) as session:
        return list(session.exec(
            select(Inbox.id).where(Inbox.channel == channel, Inbox.status == "pending")
            .order_by(col(Inbox.id)).limit(limit)))


def process_one(engine: Engine, row_id: int, processor: Processor, clock: Clock) -> bool:
    """Apply one stored message in one transaction; a failure is recorded and retried later."""
    try:
        with transaction(engine) as session:
            query = select(Inbox).where(Inbox.id == row_id, Inbox.status == "pending")
            if not is_sqlite(engine):
                query = query.with_for_update(skip_locked=True)
            row = session.exec(query).first()
            if row is None:
                return False  # another worker has it, or it is done
            now = clock()
            processor(session, row, now)
            if row.status == "pending":
                row.status = "processed"
            row.processed_at = now
            return True
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried, never lost
        log.exception("inbox %s failed", row_id)
        with transaction(engine) as session:
            row = session.get_one(Inbox, row_id)
            row.attempts += 1
            row.error = f"{type(exc).__name__}: {exc}"[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
        return False


def process_pending(engine: Engine, processors: Mapping[str, Processor], clock: Clock) -> int:
    """Process what is waiting, oldest first, channel by channel; returns how many."""
    done = 0
    for channel, processor in processors.items():
        for row_id in pending_ids(engine, channel):
            done += process_one(engine, row_id, processor, clock)
    return done
