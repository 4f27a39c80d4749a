"""How `serve` winds down on SIGTERM and looks after itself while it runs (issue 8).

Shutdown order: stop taking mail (421), let every job finish the message in hand, cut off
whatever is still running after the grace period, and give back the outbox rows this worker
had claimed but not sent, so the next start (or another worker) sends them at once instead of
after the stale-claim timeout.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import Engine, update
from sqlmodel import col

from intake.clock import Clock
from intake.operations.health import seconds_from_env
from intake.people.privacy import purge_raw
from storage.db import transaction
from storage.models import Outbox

log = logging.getLogger("intake.serve")
SHUTDOWN_GRACE_SECONDS = 20.0  # well inside systemd's default TimeoutStopSec of 90 s
PURGE_SECONDS = 24 * 3600.0


def release_claims(engine: Engine, worker: str) -> int:
    """Rows this worker claimed ('sending') but did not finish go back to 'pending'."""
    with transaction(engine) as session:
        result = session.exec(  # type: ignore[call-overload]
            update(Outbox)
            .where(col(Outbox.status) == "sending", col(Outbox.claimed_by) == worker)
            .values(status="pending", claimed_by=None, claimed_at=None, lease_until=None))
        return int(result.rowcount or 0)


async def finish(tasks: list[asyncio.Task[object]], grace: float) -> list[str]:
    """Wait up to `grace` seconds for the tasks to end by themselves; cancel the rest.

    Returns the names of the cancelled tasks. A job inside asyncio.to_thread finishes its
    transaction even when its task is cancelled: the interpreter waits for the thread.
    """
    if not tasks:
        return []
    _, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return sorted(task.get_name() for task in pending)


def purge_job(engine: Engine, clock: Clock, days: int) -> Callable[[], Awaitable[None]]:
    """The daily purge of raw messages whose round closed more than `days` ago."""
    async def purge() -> None:
        def run() -> int:
            with transaction(engine) as session:
                return purge_raw(session, clock(), days)
        done = await asyncio.to_thread(run)
        if done:
            log.info("privacy purge: %s raw message(s) deleted", done,
                     extra={"event": "privacy_purge", "count": done})
    return purge


def shutdown_grace() -> float:
    return seconds_from_env("INTAKE_SHUTDOWN_GRACE", SHUTDOWN_GRACE_SECONDS)
