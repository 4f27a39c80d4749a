"""Once means once: concurrent sweeps, and a sweep over rewound state, never send twice."""

from __future__ import annotations

import threading
from collections import Counter

from sqlmodel import select

from intake.paths import PROJECT_ROOT
from intake.rounds.reminders import sweep
from storage.db import make_engine, transaction
from storage.models import Assignment
from tests.support.reminders import LADDER_AT, at, open_reminder_round, reminder_rows

SAMPLE_ROSTER = (PROJECT_ROOT / "samples" / "roster.csv").read_text(encoding="utf-8")


def _race(db_url: str, moment, workers: int = 4) -> list:
    """Run `workers` sweeps at the same instant, each with its own engine (own pool)."""
    barrier, results, errors = threading.Barrier(workers), [], []

    def work() -> None:
        engine = make_engine(db_url)
        try:
            barrier.wait()
            results.append(sweep(engine, moment))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_concurrent_sweeps_share_the_due_reminders_without_duplicates(engine, db_url):
    open_reminder_round(engine, roster=SAMPLE_ROSTER)
    results = _race(db_url, at(LADDER_AT["-7"]))
    rows = reminder_rows(engine)
    assert len(rows) == 28
    assert Counter(r.dedupe_key for r in rows).most_common(1)[0][1] == 1
    assert sum(len(r.reminders) for r in results) == 28
    with transaction(engine) as session:
        assert {a.reminders_sent for a in session.exec(select(Assignment))} == {1}


def test_a_rewound_schedule_is_stopped_by_the_dedupe_key(engine):
    open_reminder_round(engine)
    sweep(engine, at(LADDER_AT["-7"]))
    with transaction(engine) as session:  # as if a second worker had read the old state
        for assignment in session.exec(select(Assignment)):
            assignment.next_reminder_at = at(LADDER_AT["-7"])
    again = sweep(engine, at(LADDER_AT["-7"]))
    assert again.reminders == [] and again.errors == []
    assert len(reminder_rows(engine)) == 5
    with transaction(engine) as session:
        assert {a.reminders_sent for a in session.exec(select(Assignment))} == {1}
