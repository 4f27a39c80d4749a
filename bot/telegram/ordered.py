"""Telegram inbox rows processed one chat at a time, in update order, across workers.

`intake.inbox.process_pending` takes rows oldest first with `FOR UPDATE SKIP LOCKED`: with
two `serve` processes on PostgreSQL, one would skip a chat's locked row and handle the same
chat's next message at once, racing on the open question. Here a worker handles a row only
when it holds the chat's transaction-level advisory lock and no older update of that chat
is still pending; a chat that another worker is busy with is skipped and comes back on the
next pass. On SQLite there is one writer at a time (BEGIN IMMEDIATE), so the "no older
pending row" check alone keeps the order.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from sqlalchemy import Engine, Integer, cast, func, text
from sqlmodel import Session, col, select

from intake.clock import Clock
from intake.inbox import MAX_ATTEMPTS, Processor
from storage.db import is_sqlite, transaction
from storage.models import Inbox

log = logging.getLogger("intake.telegram")
BATCH = 200
# The first key of the two-key advisory lock: our namespace, so chat ids never meet other
# advisory locks of the database. (The poller guard uses the one-key form.)
CHAT_LOCK_SPACE = int.from_bytes(hashlib.sha256(b"intake:telegram:chat").digest()[:4], "big",
                                 signed=True)


def _update_order() -> object:
    # update_id is stored as text; compared as text "999" would sort after "1000".
    return cast(col(Inbox.external_id), Integer)


def pending_rows(engine: Engine, limit: int = BATCH) -> list[tuple[int, str | None]]:
    """(row id, chat) of waiting Telegram updates, oldest update first."""
    with transaction(engine) as session:
        return list(session.exec(
            select(Inbox.id, Inbox.sender)
            .where(Inbox.channel == "telegram", Inbox.status == "pending")
            .order_by(_update_order()).limit(limit)))  # type: ignore[arg-type]


def _chat_lock(session: Session, chat: str) -> bool:
    """Hold the chat for this transaction; False when another worker holds it now."""
    key = int(chat) & 0x7FFFFFFF if chat.lstrip("-").isdigit() else _text_key(chat)
    return bool(session.connection().execute(
        text("SELECT pg_try_advisory_xact_lock(:space, :key)"),
        {"space": CHAT_LOCK_SPACE, "key": key}).scalar())


def _text_key(chat: str) -> int:
    return int.from_bytes(hashlib.sha256(chat.encode()).digest()[:4], "big") & 0x7FFFFFFF


def _is_oldest_pending(session: Session, row: Inbox) -> bool:
    oldest = session.exec(
        select(func.min(_update_order()))
        .where(Inbox.channel == "telegram", Inbox.status == "pending",
               Inbox.sender == row.sender)).one()
    return oldest is None or int(row.external_id) <= int(oldest)


def process_row(engine: Engine, row_id: int, chat: str | None, processor: Processor,
                clock: Clock) -> bool:
    """Apply one update if it is its chat's turn; a failure is recorded and retried."""
    try:
        with transaction(engine) as session:
            if chat is not None and not is_sqlite(engine) and not _chat_lock(session, chat):
                return False  # another worker is in this chat right now
            query = select(Inbox).where(Inbox.id == row_id, Inbox.status == "pending")
            if not is_sqlite(engine):
                query = query.with_for_update(skip_locked=True)
            row = session.exec(query).first()
            if row is None:
                return False  # done already, by us or another worker
            if chat is not None and not _is_oldest_pending(session, row):
                return False  # an older update of this chat goes first
            now: datetime = clock()
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
                row.status = "failed"  # the chat's later updates may go on
        return False


def process_telegram(engine: Engine, processor: Processor, clock: Clock) -> int:
    """One pass over the waiting updates; returns how many were applied."""
    done = 0
    for row_id, chat in pending_rows(engine):
        done += process_row(engine, row_id, chat, processor, clock)
    return done
