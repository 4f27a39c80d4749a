"""One getUpdates poller per bot token, however many `intake serve` processes run.

Telegram answers two pollers of one token with 409 Conflict, each cancelling the other's
long poll, so two servers on one PostgreSQL database would take turns failing. The poller
holds a session-level advisory lock, keyed by the token, on a connection of its own; the
other servers see the lock taken, leave getUpdates alone (they still process the inbox and
send from the outbox) and try again every few seconds. When the poller dies, even by
kill -9, PostgreSQL ends its session and frees the lock, and the next try takes over.

SQLite is one server by design (one file, one writer): the guard always grants there.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Connection, Engine, text

from storage.db import is_sqlite

log = logging.getLogger("intake.telegram")


def lock_key(token: str) -> int:
    """A signed 64-bit key from the token: the token itself never reaches the database."""
    digest = hashlib.sha256(b"intake:telegram:poller:" + token.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PollerGuard:
    """Blocking calls (run them in a thread): acquire, still_held, release."""

    def __init__(self, engine: Engine, token: str):
        self.engine = engine
        self.key = lock_key(token)
        self._connection: Connection | None = None
        self._held = False

    def acquire(self) -> bool:
        """True when this process may poll: it holds the lock now (or the database is SQLite)."""
        if is_sqlite(self.engine):
            return True
        if self._held and self.still_held():
            return True
        try:
            if self._connection is None:
                # Autocommit: the lock belongs to the session, not to a transaction left open.
                self._connection = self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT")
            self._held = bool(self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
        except Exception:  # noqa: BLE001 - the database comes back; until then nobody polls here
            log.exception("poller lock: the database is unreachable")
            self._drop()
        return self._held

    def still_held(self) -> bool:
        """A lost connection means a lost lock: another server may be polling already."""
        if is_sqlite(self.engine):
            return True
        if self._connection is None or not self._held:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001
            log.warning("poller lock: the connection holding it was lost")
            self._drop()
            return False

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            if self._held:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                         {"key": self.key})
        except Exception:  # noqa: BLE001 - closing the session frees it anyway
            pass
        self._drop()

    def _drop(self) -> None:
        self._held = False
        if self._connection is not None:
            try:
                # invalidate: a connection that held a session lock must not go back to the pool.
                self._connection.invalidate()
                self._connection.close()
            except Exception:  # noqa: BLE001
                pass
            self._connection = None
