"""The inbox: every inbound update or e-mail stored raw first, then processed from there."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from intake.clock import Clock, from_db
from intake.messaging.tokens import hash_token
from storage.db import is_sqlite, transaction
from storage.models import Assignment, Inbox, Round, Token

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
PENDING_LIMIT = 200
# Rows per transaction: on SQLite the batch holds the one write lock, which the SMTP store
# and the outbox also need, so batches stay shorter there.
BATCH = {"sqlite": 10, "postgresql": 25}
# The first key of the two-key advisory lock: our namespace, so conversation keys never
# meet other advisory locks of the database. (The Telegram poller guard uses the one-key form.)
LOCK_SPACE = int.from_bytes(hashlib.sha256(b"intake:inbox:conversation").digest()[:4], "big",
                            signed=True)

# A channel's processor reads one raw row, applies it, and sets the row's status.
Processor = Callable[[Session, Inbox, datetime], None]


def store_inbound(engine: Engine, *, channel: str, external_id: str, raw: bytes, now: datetime,
                  sender: str | None = None, envelope_from: str | None = None,
                  envelope_to: str | None = None, conversation: str | None = None,
                  sequence: int | None = None) -> tuple[int, bool]:
    """Commit the raw message; (row id, True) if new, (existing id, False) if seen before."""
    try:
        with transaction(engine) as session:
            row = Inbox(channel=channel, external_id=external_id, raw=raw, sender=sender,
                        envelope_from=envelope_from, envelope_to=envelope_to, received_at=now,
                        conversation=conversation, sequence=sequence)
            session.add(row)
            session.flush()
            return row.id or 0, True
    except IntegrityError:
        with transaction(engine) as session:
            existing = session.exec(select(Inbox.id).where(
                Inbox.channel == channel, Inbox.external_id == external_id)).one()
            return existing, False


def store_many(engine: Engine, rows: list[dict[str, object]], now: datetime) -> int:
    """Commit several raw messages in one transaction (one durable commit for all of them).

    Each dict has channel, external_id, raw and optionally sender, envelope_from,
    envelope_to, conversation, sequence. A message stored before is left as it is.
    """
    if not rows:
        return 0
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    values = [{"sender": None, "envelope_from": None, "envelope_to": None, "peer": None,
               "conversation": None, "sequence": None, **row, "status": "pending",
               "received_at": now, "attempts": 0} for row in rows]
    statement = dialect.insert(Inbox).values(values).on_conflict_do_nothing(
        index_elements=["channel", "external_id"])
    with transaction(engine) as session:
        return session.execute(statement).rowcount  # the rows that were new


def reply_token_exists(engine: Engine, token: str, now: datetime) -> bool:
    """One of our mail reply tokens for an assignment, not expired (its round open or closed).

    A hand-over expires the earlier contact's tokens; a closed round's are still taken, so
    the sender can be told the round is closed.
    """
    with Session(engine) as session:
        found = session.exec(select(Token.id, Token.expires_at).where(
            Token.token_hash == hash_token(token), Token.purpose == "reply",
            col(Token.assignment_id).is_not(None))).first()
    if found is None:
        return False
    expires = from_db(found[1])
    return expires is None or expires > now


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


def _order() -> Any:
    # Inside a conversation: the channel's own sequence (Telegram update_id), else arrival.
    return func.coalesce(col(Inbox.sequence), col(Inbox.id))


def pending_rows(engine: Engine, channels: list[str],
                 limit: int = PENDING_LIMIT) -> list[tuple[int, str | None]]:
    """(row id, conversation) of waiting rows of these channels, oldest first."""
    with Session(engine) as session:  # only reads: no write lock on SQLite
        return list(session.exec(
            select(Inbox.id, Inbox.conversation)
            .where(col(Inbox.channel).in_(channels), Inbox.status == "pending")
            .order_by(_order()).limit(limit)))  # type: ignore[arg-type]


def _conversation_lock(session: Session, conversation: str) -> bool:
    """Hold the conversation for this transaction; False when another worker holds it now."""
    key = int.from_bytes(hashlib.sha256(conversation.encode()).digest()[:4], "big") & 0x7FFFFFFF
    return bool(session.connection().execute(
        text("SELECT pg_try_advisory_xact_lock(:space, :key)"),
        {"space": LOCK_SPACE, "key": key}).scalar())


def _is_oldest_pending(session: Session, row: Inbox) -> bool:
    oldest = session.exec(
        select(func.min(_order()))
        .where(Inbox.conversation == row.conversation, Inbox.status == "pending")).one()
    mine = row.sequence if row.sequence is not None else row.id
    return oldest is None or int(mine or 0) <= int(oldest)


def process_batch(engine: Engine, rows: list[tuple[int, str | None]],
                  processors: Mapping[str, Processor], clock: Clock) -> int:
    """Apply rows in one transaction (one durable commit), each in a savepoint of its own.

    A row that fails is undone alone and recorded for another try; the rest commit. A
    conversation's rows go strictly in order: a row waits while an older row of its
    conversation is pending (also one that failed and will be tried again), and on
    PostgreSQL a conversation another worker holds (an advisory lock) is skipped.
    """
    done = 0
    failed: list[tuple[int, Exception]] = []
    postgres = not is_sqlite(engine)
    with transaction(engine) as session:
        held: set[str] = set()
        for row_id, conversation in rows:
            if conversation is not None and postgres and conversation not in held:
                if not _conversation_lock(session, conversation):
                    continue  # another worker is in this conversation right now
                held.add(conversation)
            try:
                with session.begin_nested():
                    done += _apply(session, row_id, processors, clock, postgres)
            except Exception as exc:  # noqa: BLE001 - undone alone; recorded below
                log.exception("inbox %s failed", row_id)
                failed.append((row_id, exc))
    for row_id, exc in failed:
        _record_failure(engine, row_id, exc)
    return done


def _apply(session: Session, row_id: int, processors: Mapping[str, Processor], clock: Clock,
           postgres: bool) -> bool:
    query = select(Inbox).where(Inbox.id == row_id, Inbox.status == "pending")
    if postgres:
        query = query.with_for_update(skip_locked=True)
    row = session.exec(query).first()
    if row is None:
        return False  # done already, by us or another worker
    if row.conversation is not None and not _is_oldest_pending(session, row):
        return False  # an older row of this conversation goes first (or failed and waits)
    now = clock()
    processors[row.channel](session, row, now)
    if row.status == "pending":
        row.status = "processed"
    row.processed_at = now
    return True


def _record_failure(engine: Engine, row_id: int, exc: Exception) -> None:
    """Recorded on the row and retried on a later pass: never lost."""
    with transaction(engine) as session:
        row = session.get_one(Inbox, row_id)
        row.attempts += 1
        row.error = f"{type(exc).__name__}: {exc}"[:500]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"  # the conversation's later rows may go on


def process_pending(engine: Engine, processors: Mapping[str, Processor], clock: Clock) -> int:
    """One pass over what is waiting on these channels, a batch per transaction.

    The one inbox processor of every channel (mail, Telegram polling or webhook, SMS).
    Returns how many rows were applied.
    """
    done = 0
    rows = pending_rows(engine, list(processors))
    size = BATCH.get(engine.dialect.name, 10)
    for start in range(0, len(rows), size):
        done += process_batch(engine, rows[start:start + size], processors, clock)
    return done
