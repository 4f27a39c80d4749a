"""After `intake privacy erase EMAIL` not one byte of the person's name, address or phone is left:
not in another person's reminder or a coordinator's digest, not in a nested audit entry, not in
a coordinator account, not in the database file's free pages, not in var/maildir. The
committee's answers stay."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import select

from intake.rounds.reminders import sweep
from intake.rounds.review import log_action
from intake.serve import deliver_pending
from intake.settings import Settings
from storage.db import is_sqlite, transaction
from storage.models import AnswerRevision, Coordinator, Outbox
from tests.support.helpers import run_cli
from tests.support.reminders import (
    LADDER_AT,
    NORRMALM,
    add_coordinator,
    answer,
    at,
    digest_rows,
    open_reminder_round,
    update_contact,
)

KIM = "kim.exempelsson@example.se"
TRACES = ("Kim Exempelsson", "kim.exempelsson", "Exempelsson", "08-000 00 00")


def _copies_everywhere(engine, tmp_path: Path) -> None:
    """Kim's name in rows addressed to others, a nested audit entry, an account and mail."""
    open_reminder_round(engine)
    add_coordinator(engine)
    answer(engine, at("2026-12-22 10:00"), NORRMALM, range(1, 3))
    update_contact(engine, KIM, away_until=date(2027, 1, 25))  # the deputy stands in
    for moment in LADDER_AT.values():
        assert not sweep(engine, at(moment)).errors
    with transaction(engine) as session:
        session.add(Coordinator(email=KIM, name="Kim Exempelsson", created_at=at(LADDER_AT["0"])))
        log_action(session, "samordnare@example.se", "note", None, at(LADDER_AT["0"]),
                   about={"people": [{"name": "Kim Exempelsson", "phone": "08-000 00 00"}]})
        to_others = [row for row in session.exec(select(Outbox)) if row.recipient != KIM]
    assert any("Kim Exempelsson" in str(row.data) for row in to_others)
    assert digest_rows(engine)
    settings = Settings(database_url="", var_dir=tmp_path / "var")
    asyncio.run(deliver_pending(settings, engine, lambda: at("2027-01-18 10:00"), "test"))
    assert any(b"Exempelsson" in p.read_bytes() for p in _maildir(tmp_path))


def _maildir(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "var" / "maildir").rglob("*") if p.is_file()]


def _database_bytes(engine) -> bytes:
    """SQLite: the file itself, with its WAL, byte for byte. PostgreSQL: every table's text."""
    if is_sqlite(engine):
        database = Path(engine.url.database or "")
        return b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    chunks = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                chunks += [bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
                           for v in row]
    return b"\n".join(chunks)


def test_erase_leaves_no_byte_of_name_address_or_phone(cli_env, engine, tmp_path):
    _copies_everywhere(engine, tmp_path)
    before = _database_bytes(engine).lower()
    assert all(t.lower().encode() in before for t in TRACES)

    erased = run_cli("privacy", "erase", KIM)
    assert erased.exit_code == 0, erased.stderr
    assert "coordinator account(s) removed" in erased.stdout
    engine.dispose()

    stored = _database_bytes(engine).lower()
    for trace in TRACES:
        assert trace.lower().encode() not in stored, trace
    for path in _maildir(tmp_path):
        assert b"exempelsson" not in path.read_bytes().lower(), path
    with transaction(engine) as session:
        assert session.exec(select(Coordinator).where(Coordinator.email == KIM)).first() is None
        texts = [r.text for r in session.exec(select(AnswerRevision))]
    assert len(texts) == 2 and all(t for t in texts)  # the committee's answers stay


def test_other_people_are_left_alone(cli_env, engine, tmp_path):
    _copies_everywhere(engine, tmp_path)
    assert run_cli("privacy", "erase", KIM).exit_code == 0
    stored = _database_bytes(engine)
    for kept in (b"Alex Testsson", b"alex.testsson@example.se", b"Robin Provstr",
                 b"samordnare@example.se"):
        assert kept in stored, kept
