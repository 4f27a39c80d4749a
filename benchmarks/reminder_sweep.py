"""How one reminder sweep tick scales: 100,000 assignments, with 0, 100 and 1,000 due.

    .venv/bin/python benchmarks/reminder_sweep.py                 # SQLite and PostgreSQL
    .venv/bin/python benchmarks/reminder_sweep.py --backends sqlite --rows 20000

SQLite runs in a temporary file; PostgreSQL in a database made for the run on the local
server (BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and
dropped afterwards. For each count of due reminders the script times the due query alone and
one whole sweep (query, message data, outbox rows, rescheduling, commit), best of three, and
prints the query plan to show the range scan on ix_assignment_reminder_due.
Not a test: the figures go to docs/reminders.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, delete, insert, text, update  # noqa: E402

from intake.forms import find_form  # noqa: E402
from intake.rounds.opening import schedule, snapshot_form  # noqa: E402
from intake.rounds.reminders import due_query, sweep  # noqa: E402
from storage.db import is_sqlite, make_engine, migrate, transaction  # noqa: E402
from storage.models import (  # noqa: E402
    ActionLog,
    Assignment,
    Committee,
    Contact,
    Outbox,
    Round,
    Token,
)

DEADLINE = datetime(2027, 1, 13, 16, 0, tzinfo=UTC)  # 17:00 Stockholm
OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DUE_COUNTS = (0, 100, 1000)
CHUNK = 10_000


def populate(engine: Engine, rows: int) -> tuple[datetime, datetime, datetime]:
    """A round with `rows` assignments, none due yet; returns (now, past step, next step)."""
    with transaction(engine) as session:
        form = find_form("naringsliv")
        snapshot = snapshot_form(session, form, OPENED)
        round_ = Round(period="bench", form_snapshot_id=snapshot.id or 0, deadline=DEADLINE,
                       reminder_ladder=[-7, -3, -1, 0, 1, 3], reminder_time="09:00",
                       opened_at=OPENED)
        session.add(round_)
        session.flush()
        round_id, steps = round_.id, schedule(round_)
    past, upcoming = steps[0].at, steps[1].at  # "-7" has passed at `now`, "-3" has not
    now = past + timedelta(hours=1)
    with engine.begin() as conn:
        for start in range(1, rows + 1, CHUNK):
            ids = range(start, min(start + CHUNK, rows + 1))
            conn.execute(insert(Committee), [
                {"id": i, "name": f"Nämnd {i}", "kind": "district", "created_at": OPENED}
                for i in ids])
            conn.execute(insert(Contact), [
                {"id": i, "committee_id": i, "name": f"Kontakt {i}",
                 "email": f"kontakt{i}@example.se", "phone": "", "role": "main",
                 "language": "sv", "active": True, "created_at": OPENED} for i in ids])
            conn.execute(insert(Assignment), [
                {"id": i, "round_id": round_id, "committee_id": i, "contact_id": i,
                 "status": "not_started", "cursor": "lokal-samverkan", "cursor_fresh": True,
                 "confirm_pending": False, "reminders_sent": 0, "next_reminder_at": upcoming,
                 "next_reminder_step": -3} for i in ids])
        if not is_sqlite(engine):
            for table in ("committee", "contact", "assignment"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        conn.execute(text("ANALYZE"))
    return now, past, upcoming


def make_due(engine: Engine, rows: int, due: int, past: datetime, upcoming: datetime) -> None:
    """Exactly `due` assignments, spread over the table, wait for the passed step."""
    with engine.begin() as conn:
        conn.execute(delete(Outbox))
        conn.execute(delete(Token))
        conn.execute(delete(ActionLog))
        conn.execute(update(Assignment).where(Assignment.next_reminder_at != upcoming)
                     .values(next_reminder_at=upcoming, next_reminder_step=-3, reminders_sent=0))
        if due:
            stride = rows // due
            ids = [1 + k * stride for k in range(due)]
            conn.execute(update(Assignment).where(Assignment.id.in_(ids))  # type: ignore[union-attr]
                         .values(next_reminder_at=past, next_reminder_step=-7))


def best_of(runs: int, prepare: Callable[[], None], job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def query_only(engine: Engine, now: datetime) -> int:
    with engine.connect() as conn:
        return len(conn.execute(due_query(now)).all())


def plan(engine: Engine, now: datetime) -> list[str]:
    query = due_query(now)
    if not is_sqlite(engine):
        query = query.with_for_update(skip_locked=True)  # exactly what the sweep runs
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if is_sqlite(engine) else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + sql).all()
    return [str(row[-1]) for row in rows]


def bench(name: str, url: str, rows: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    start = time.perf_counter()
    now, past, upcoming = populate(engine, rows)
    print(f"\n== {name}: {rows:,} assignments (loaded in {time.perf_counter() - start:.1f} s)")
    print("query plan of the due query:")
    for line in plan(engine, now):
        print(f"    {line}")
    print(f"{'due':>6}  {'query':>9}  {'sweep tick':>11}  {'per reminder':>12}")
    for due in DUE_COUNTS:
        def prepare(due: int = due) -> None:
            make_due(engine, rows, due, past, upcoming)

        found = 0

        def run_query() -> None:
            nonlocal found
            found = query_only(engine, now)

        q = best_of(3, prepare, run_query)
        assert found == due, (found, due)
        result = None

        def run_sweep() -> None:
            nonlocal result
            result = sweep(engine, now)

        s = best_of(3, prepare, run_sweep)
        assert result is not None and len(result.reminders) == due and not result.errors
        per = f"{s / due * 1000:.2f} ms" if due else "-"
        print(f"{due:>6}  {q * 1000:>6.2f} ms  {s * 1000:>8.1f} ms  {per:>12}")
    # The plan again with the statistics taken while 1,000 rows are due: still the index.
    make_due(engine, rows, DUE_COUNTS[-1], past, upcoming)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    print(f"query plan with {DUE_COUNTS[-1]:,} due, after ANALYZE:")
    for line in plan(engine, now):
        print(f"    {line}")
    engine.dispose()


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_url() -> Iterator[str]:
    admin_url = os.environ.get("BENCH_PG_URL",
                               "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"intake_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = {"sqlite": sqlite_url, "postgresql": postgres_url}
    for name in args.backends.split(","):
        with backends[name.strip()]() as url:
            bench(name, url, args.rows)


if __name__ == "__main__":
    main()
