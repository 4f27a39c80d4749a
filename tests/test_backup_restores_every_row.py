"""`intake backup FILE`: a SQLite copy taken with the online backup API opens as a database
with every row; on PostgreSQL it says to use pg_dump."""

from __future__ import annotations

import pytest
from conftest import BACKEND
from sqlmodel import select

from storage.db import make_engine, transaction
from storage.models import Assignment, Contact, Outbox
from tests.support.helpers import load_roster, open_test_round, run_cli


def _counts(engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {model.__name__: len(list(session.exec(select(model))))
                for model in (Contact, Assignment, Outbox)}


@pytest.mark.skipif(BACKEND != "sqlite", reason="the SQLite online backup")
def test_the_backup_restores_with_every_row(cli_env, engine, clock, tmp_path, monkeypatch):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    before = _counts(engine)
    # A reader holds the database open, as a running serve would: the backup still works.
    with engine.connect():
        result = run_cli("backup", str(tmp_path / "intake-backup.db"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"backup written to {tmp_path / 'intake-backup.db'}")
    assert not list(tmp_path.glob(".*.partial"))

    restored_path = tmp_path / "restored" / "intake.db"
    restored_path.parent.mkdir()
    restored_path.write_bytes((tmp_path / "intake-backup.db").read_bytes())
    restored = make_engine(f"sqlite:///{restored_path}")
    try:
        assert _counts(restored) == before and before["Contact"] == 4
        with transaction(restored) as session:
            names = {c.name for c in session.exec(select(Contact))}
        assert "Kim Exempelsson" in names
    finally:
        restored.dispose()
    # The restored file works as the database of the command line too.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{restored_path}")
    status = run_cli("status", "--json")
    assert status.exit_code == 0 and len(status.json()["assignments"]) == 3


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite paths")
def test_a_missing_folder_is_one_line(cli_env, tmp_path):
    result = run_cli("backup", str(tmp_path / "no" / "such" / "backup.db"))
    assert result.exit_code == 1 and "no such directory" in result.stderr


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL says to use pg_dump")
def test_postgresql_says_to_use_pg_dump(cli_env, tmp_path):
    result = run_cli("backup", str(tmp_path / "backup.db"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "pg_dump" in result.stderr
    assert not (tmp_path / "backup.db").exists()
