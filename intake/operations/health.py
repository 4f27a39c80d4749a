"""/healthz for monitors: is every part of `serve` doing its job right now?

Each part registers a check; the database (a real write: a database that reads but cannot
write refuses every mail) and the outbox (every unsent row, due or in back-off) are checked on
every request, the relay by a background probe every RELAY_CHECK_SECONDS (every few seconds
while it fails), so a monitor polling /healthz never makes us hammer the mail server.
Anonymous callers get only ok or failing; the details are for a local request or a session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, case, func, update
from sqlmodel import col, select

from intake.clock import Clock, from_db, iso
from storage.db import transaction
from storage.models import Heartbeat, Outbox

RELAY_CHECK_SECONDS = 30.0
# The outbox is stuck when a due message has waited this long (a retry moves its due time).
OUTBOX_MAX_AGE_SECONDS = 600.0
DB_TIMEOUT_SECONDS = 5.0
FAILING_CHECK_SECONDS = 5.0  # a failed probe looks again soon, to see the part come back
HEARTBEAT = "healthz"

Check = Callable[[], dict[str, Any]]
Probe = Callable[[], Awaitable[str | None]]
OnBack = Callable[[], Awaitable[object]]


def seconds_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"{name} must be positive, got {raw!r}")
    return value


@dataclass
class ProbeResult:
    ok: bool | None = None  # None: not checked yet
    error: str | None = None
    checked_at: datetime | None = None


@dataclass
class HealthMonitor:
    engine: Engine
    clock: Clock
    checks: dict[str, Check] = field(default_factory=dict)
    probes: dict[str, tuple[str, ProbeResult]] = field(default_factory=dict)
    wakes: dict[str, asyncio.Event] = field(default_factory=dict)
    outbox_max_age: float = field(
        default_factory=lambda: seconds_from_env("OUTBOX_MAX_AGE_SECONDS", OUTBOX_MAX_AGE_SECONDS))

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check

    async def watch(self, name: str, target: str, probe: Probe, interval: float,
                    stop: asyncio.Event, on_back: OnBack | None = None) -> None:
        """Run `probe` now and every `interval` seconds until `stop`; keep the last result.

        `on_back` runs when the part is seen working after a failure (or at the first check,
        which may follow a crash): what waited for it can go at once.
        """
        result = ProbeResult()
        self.probes[name] = (target, result)
        wake = self.wakes.setdefault(name, asyncio.Event())
        while not stop.is_set():
            wake.clear()
            was_ok = result.ok
            try:
                error = await probe()
            except Exception as exc:  # noqa: BLE001 - a probe that breaks is a failed check
                error = f"{type(exc).__name__}: {exc}"
            result.ok, result.error, result.checked_at = error is None, error, self.clock()
            if result.ok and was_ok is not True and on_back is not None:
                try:
                    await on_back()
                except Exception:  # noqa: BLE001 - the probe goes on; the worker retries anyway
                    logging.getLogger(__name__).exception("%s back: hook failed", name)
            wait = interval if result.ok else min(interval, FAILING_CHECK_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_either(stop, wake), timeout=wait)

    def failed(self, name: str, error: str) -> None:
        """A part failed in use (the relay refused a connection): show it, and look again soon."""
        if name in self.probes:
            _, result = self.probes[name]
            result.ok, result.error, result.checked_at = False, error[:300], self.clock()
        if name in self.wakes:
            self.wakes[name].set()

    async def report(self) -> dict[str, Any]:
        checks: dict[str, dict[str, Any]] = {}
        try:
            checks["database"], checks["outbox"] = await asyncio.wait_for(
                asyncio.to_thread(self._database), DB_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - unreachable, locked, timed out: all 503
            checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
            checks["outbox"] = {"ok": False, "error": "database unreachable"}
        for name, check in self.checks.items():
            checks[name] = check()
        for name, (target, result) in self.probes.items():
            checks[name] = {"ok": bool(result.ok), "target": target, "error": result.error,
                            "checked_at": iso(result.checked_at)}
            if result.ok is None:
                checks[name]["error"] = "not checked yet"
        ok = all(c.get("ok") for c in checks.values())
        return {"status": "ok" if ok else "fail", "checked_at": iso(self.clock()),
                "checks": checks}

    def _database(self) -> tuple[dict[str, Any], dict[str, Any]]:
        now = self.clock()
        with transaction(self.engine) as session:
            # A write, committed: a read-only, full or locked database fails here.
            written = session.exec(update(Heartbeat).where(  # type: ignore[call-overload]
                col(Heartbeat.name) == HEARTBEAT).values(at=now)).rowcount
            if not written:
                session.add(Heartbeat(name=HEARTBEAT, at=now))
            session.flush()
            # Every row not sent yet, due or waiting in back-off. Its age counts from when it
            # first fell due: the due time until a first attempt, then its creation.
            since = case((col(Outbox.attempts) == 0, col(Outbox.due_at)),
                         else_=col(Outbox.created_at))
            count, oldest = session.exec(
                select(func.count(col(Outbox.id)), func.min(since))
                .where(col(Outbox.status).in_(("pending", "sending")),
                       (col(Outbox.due_at) <= now) | (col(Outbox.attempts) > 0))
            ).one()
        oldest_at = from_db(oldest)
        age = max((now - oldest_at).total_seconds(), 0.0) if oldest_at else 0.0
        return {"ok": True}, {
            "ok": age <= self.outbox_max_age, "backlog": int(count or 0),
            "oldest_unsent_age_seconds": round(age, 1), "max_age_seconds": self.outbox_max_age,
        }


def public_view(report: dict[str, Any]) -> dict[str, Any]:
    """What an anonymous caller may see: whether it works, nothing about how or where."""
    return {"status": report["status"]}


async def _either(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
