"""/healthz for monitors: is every part of `serve` doing its job right now?

Each part registers a check; the database and the outbox are checked on every request (both
are cheap indexed queries), the relay by a background probe every RELAY_CHECK_SECONDS, so a
monitor polling /healthz never makes us hammer the organisation's mail server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, text
from sqlmodel import col, select

from intake.clock import Clock, from_db, iso
from storage.db import transaction
from storage.models import Outbox

RELAY_CHECK_SECONDS = 30.0
# The outbox is stuck when a due message has waited this long (a retry moves its due time).
OUTBOX_MAX_AGE_SECONDS = 600.0
DB_TIMEOUT_SECONDS = 5.0

Check = Callable[[], dict[str, Any]]
Probe = Callable[[], Awaitable[str | None]]


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
    outbox_max_age: float = field(
        default_factory=lambda: seconds_from_env("OUTBOX_MAX_AGE_SECONDS", OUTBOX_MAX_AGE_SECONDS))

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check

    async def watch(self, name: str, target: str, probe: Probe, interval: float,
                    stop: asyncio.Event) -> None:
        """Run `probe` now and every `interval` seconds until `stop`; keep the last result."""
        result = ProbeResult()
        self.probes[name] = (target, result)
        while not stop.is_set():
            try:
                error = await probe()
            except Exception as exc:  # noqa: BLE001 - a probe that breaks is a failed check
                error = f"{type(exc).__name__}: {exc}"
            result.ok, result.error, result.checked_at = error is None, error, self.clock()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

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
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            count, oldest = session.exec(
                select(func.count(col(Outbox.id)), func.min(col(Outbox.due_at)))
                .where(col(Outbox.status).in_(("pending", "sending")), col(Outbox.due_at) <= now)
            ).one()
        oldest_at = from_db(oldest)
        age = max((now - oldest_at).total_seconds(), 0.0) if oldest_at else 0.0
        return {"ok": True}, {
            "ok": age <= self.outbox_max_age, "backlog": int(count or 0),
            "oldest_unsent_age_seconds": round(age, 1), "max_age_seconds": self.outbox_max_age,
        }
