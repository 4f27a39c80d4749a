"""The ordered Telegram inbox: a failing update is undone alone and holds back only its chat.

Rows are processed in batches, one savepoint each: the failure rolls back that row's own
writes, the other chats' rows commit, and the failing chat's later updates wait until the
row succeeds or fails for good (after five attempts).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot.telegram.ordered import process_telegram, store_updates
from storage.db import transaction
from storage.models import Inbox

KIM, ROBIN = "424001", "424002"


class Recorder:
    """A processor that notes what it handled, writes a note, and fails on one update."""

    def __init__(self, failing: str | None):
        self.failing, self.handled = failing, []

    def __call__(self, session: Session, row: Inbox, now: datetime) -> None:
        row.note = "handled"  # a write that a failure must undo
        if row.external_id == self.failing:
            raise RuntimeError("the engine choked")
        self.handled.append(row.external_id)


def _statuses(engine) -> dict[str, tuple[str, int, str | None]]:
    with transaction(engine) as session:
        return {r.external_id: (r.status, r.attempts, r.note)
                for r in session.exec(select(Inbox))}


def test_a_failing_update_holds_back_only_its_own_chat(engine, clock):
    store_updates(engine, [(101, b"{}", KIM), (102, b"{}", ROBIN), (103, b"{}", KIM),
                           (104, b"{}", ROBIN)], clock())
    store_updates(engine, [(101, b"{}", KIM)], clock())  # sent again: stored once
    recorder = Recorder(failing="101")
    assert process_telegram(engine, recorder, clock) == 2
    assert recorder.handled == ["102", "104"]
    statuses = _statuses(engine)
    assert statuses["101"] == ("pending", 1, None)  # undone, counted, kept for another try
    assert statuses["103"] == ("pending", 0, None)  # waits for Kim's older update
    assert statuses["102"][0] == statuses["104"][0] == "processed"

    for _ in range(4):  # four more failures: the fifth attempt gives up on it
        process_telegram(engine, recorder, clock)
    assert _statuses(engine)["101"][:2] == ("failed", 5)
    process_telegram(engine, recorder, clock)
    assert recorder.handled == ["102", "104", "103"]  # then Kim's next update goes on


def test_updates_are_taken_in_update_order_not_text_order(engine, clock):
    # Stored as text, "999" would sort after "1000"; the order must be numeric.
    store_updates(engine, [(1000, b"{}", KIM)], clock())
    store_updates(engine, [(999, b"{}", KIM)], clock())
    recorder = Recorder(failing=None)
    process_telegram(engine, recorder, clock)
    assert recorder.handled == ["999", "1000"]
