"""Telegram updates into the inbox, one chat one conversation, in update order.

Processing is the one inbox processor of every channel (intake.messaging.inbox): a chat's
updates are applied strictly in update order, across workers and in webhook mode.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from intake.clock import Clock
from intake.messaging.inbox import Processor, process_pending, store_many


def conversation_of(chat: str | None) -> str | None:
    return f"tg:{chat}" if chat is not None else None


def store_updates(engine: Engine, updates: list[tuple[int, bytes, str | None]],
                  now: datetime) -> None:
    """Commit a batch of (update_id, raw, chat) to the inbox in one transaction.

    One commit for a whole getUpdates answer instead of one per update: each commit waits
    for the disk, and under load a batch holds dozens. An update already stored (Telegram
    sends it again after a crash before the offset moved) is left as it is.
    """
    store_many(engine, [{"channel": "telegram", "external_id": str(update_id), "raw": raw,
                         "sender": chat, "conversation": conversation_of(chat),
                         "sequence": update_id}
                        for update_id, raw, chat in updates], now)


def process_telegram(engine: Engine, processor: Processor, clock: Clock) -> int:
    """One pass over the waiting updates (the inbox processor with Telegram only)."""
    return process_pending(engine, {"telegram": processor}, clock)
