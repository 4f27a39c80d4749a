"""Telegram inbox rows processed one chat at a time, in update order, across workers.

`intake.messaging.inbox.process_pending` takes rows oldest first with `FOR UPDATE SKIP LOCKED`: with
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
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from intake.clock import Clock
from intake.messaging.inbox import MAX_ATTEMPTS, Processor
from storage.db import is_sqlite, transaction
from storage.models import Inbox

log = logging.getLogger("intake.telegram")
# Rows per transaction. On SQLite the whole batch holds the one write lock, and the outbox
# worker waits for it on the event loop, so batches stay short there.
BATCH = {"sqlite": 5, "postgresql": 25}
PENDING_LIMIT = 200
# The first key of the two-key advisory lock: our namespace, so chat ids never meet other
# advisory locks of the database. (The poller guard uses the one-key form.)
CHAT_LOCK_SPACE = int.from_bytes(hashlib.sha256(b"intake:telegram:chat").digest()[:4], "big",
                                 signed=True)


def _update_order() -> object:
    # update_id is stored as text; compared as text "999" would sort after "1000".
    return cast(col(Inbox.external_id), Integer)


def pending_rows(engine: Engine, limit: int = PENDING_LIMIT) -> list[tuple[int, str | None]]:
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


def process_batch(engine: Engine, rows: list[tuple[int, str | None]], processor: Processor,
                  clock: Clock) -> int:
    """Apply the rows whose chat's turn it is, in one transaction: one commit, not one each.

    Each row runs in a savepoint of its own, so a row that fails is undone alone and
    recorded for another try, while the rest of the batch commits. On PostgreSQL the chats'
    advisory locks are held until that commit; a chat another worker holds is skipped.
    """
    done = 0
    failed: list[tuple[int, Exception]] = []
    postgres = not is_sqlite(engine)
    with transaction(engine) as session:
        held: set[str] = set()
        for row_id, chat in rows:
            if chat is not None and postgres and chat not in held:
                if not _chat_lock(session, chat):
                    continue  # another worker is in this chat right now
                held.add(chat)
            try:
                with session.begin_nested():
                    done += _apply(session, row_id, chat, processor, clock, postgres)
            except Exception as exc:  # noqa: BLE001 - undone alone; recorded below
                log.exception("inbox %s failed", row_id)
                failed.append((row_id, exc))
    for row_id, exc in failed:
        _record_failure(engine, row_id, exc)
    return done


def _apply(session: Session, row_id: int, chat: str | None, processor: Processor,
           clock: Clock, postgres: bool) -> bool:
    query = select(Inbox).where(Inbox.id == row_id, Inbox.status == "pending")
    if postgres:
        query = query.with_for_update(skip_locked=True)
    row = session.exec(query).first()
    if row is None:
        return False  # done already, by us or another worker
    if chat is not None and not _is_oldest_pending(session, row):
        return False  # an older update of this chat goes first (or failed and waits)
    now: datetime = clock()
    processor(session, row, now)
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
            row.status = "failed"  # the chat's later updates may go on


def process_telegram(engine: Engine, processor: Processor, clock: Clock) -> int:
    """One pass over the waiting updates, a batch at a time; returns how many were applied."""
    done = 0
    rows = pending_rows(engine)
    size = BATCH.get(engine.dialect.name, 5)
    for start in range(0, len(rows), size):
        done += process_batch(engine, rows[start:start + size], processor, clock)
    return done

def store_updates(engine: Engine, updates: list[tuple[int, bytes, str | None]],
                  now: datetime) -> None:
    """Commit a batch of (update_id, raw, chat) to the inbox in one transaction.

    One commit for a whole getUpdates answer instead of one per update: each commit waits
    for the disk, and under load a batch holds dozens. An update already stored (Telegram
    sends it again after a crash before the offset moved) is left as it is.
    """
    if not updates:
        return
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    rows = [{"channel": "telegram", "external_id": str(update_id), "raw": raw,
             "sender": chat, "status": "pending", "received_at": now, "attempts": 0}
            for update_id, raw, chat in updates]
    statement = dialect.insert(Inbox).values(rows).on_conflict_do_nothing(
        index_elements=["channel", "external_id"])
    with transaction(engine) as session:
        session.execute(statement)
