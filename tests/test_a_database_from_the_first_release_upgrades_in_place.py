"""Upgrades: a database made at the first migration, filled, upgrades to head in place and
keeps every row. Rows are written from the schema as it was (reflected), not from today's
models, so the test stays true as migrations are added."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import BACKEND, PG_ADMIN_URL
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    create_engine,
    select,
    text,
)

from intake.messaging.tokens import hash_token
from storage.db import current_revision, make_engine, migrate
from tests.support.helpers import run_cli

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
# Token texts are kept only as their SHA-256 since 0003: (table, old column) -> new column.
HASHED = {("token", "token"): "token_hash"}


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all, as the first release found it."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"intake_upgrade_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _value(column, table_name: str):
    """A value of the column's type; every id and foreign key is 1, so row 1 of each table
    points at row 1 of the tables it refers to."""
    kind = column.type
    if column.primary_key or column.foreign_keys:
        return 1
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, BigInteger | Integer):
        return 7
    if isinstance(kind, DateTime):
        return WHEN
    if isinstance(kind, Date):
        return date(2026, 3, 1)
    if isinstance(kind, LargeBinary):
        return b"From: kim.exempelsson@example.se\r\n\r\nraw"
    if isinstance(kind, JSON):
        return {"table": table_name, "values": [1, 2]}
    if isinstance(kind, String):
        return f"{table_name}.{column.name}"
    raise AssertionError(f"no sample value for {table_name}.{column.name}: {kind!r}")


def _fill(engine) -> dict[str, dict]:
    metadata = MetaData()
    metadata.reflect(engine)
    written = {}
    with engine.begin() as connection:
        if BACKEND == "sqlite":
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        else:
            connection.execute(text("SET CONSTRAINTS ALL DEFERRED"))
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            row = {column.name: _value(column, table.name) for column in table.columns}
            connection.execute(table.insert().values(**row))
            written[table.name] = row
    return written


def _normal(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def test_a_filled_first_release_database_upgrades_and_keeps_every_row(empty_url, cli_env,
                                                                        monkeypatch):
    engine = make_engine(empty_url)
    try:
        migrate(engine, "0001")
        assert current_revision(engine) == "0001"
        written = _fill(engine)
        assert len(written) >= 12  # every table of the first release has a row
    finally:
        engine.dispose()

    monkeypatch.setenv("DATABASE_URL", empty_url)
    result = run_cli("db", "upgrade")
    assert result.exit_code == 0, result.stderr

    engine = make_engine(empty_url)
    try:
        head = current_revision(engine)
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for name, row in written.items():
                found = connection.execute(select(metadata.tables[name])).mappings().all()
                assert len(found) == 1, name
                for column, value in row.items():
                    if (name, column) in HASHED:  # the one change an upgrade makes on purpose
                        assert column not in found[0]
                        assert found[0][HASHED[name, column]] == hash_token(value)
                        continue
                    assert _normal(found[0][column]) == _normal(value), f"{name}.{column}"
    finally:
        engine.dispose()
    migrate_again = run_cli("db", "upgrade")  # a second upgrade is a no-op
    assert migrate_again.exit_code == 0
    assert head is not None


def test_the_upgrade_hashes_tokens_and_blanks_them_in_sent_mail(empty_url):
    plain, link = "Pl41nT0kenOfTheFirstRelease", "L1nkT0kenOfTheFirstRelease"
    engine = make_engine(empty_url)
    try:
        migrate(engine, "0001")
        _fill(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE token SET token = :t"), {"t": plain})
            connection.execute(
                text("UPDATE outbox SET status = 'sent', data = :d, dedupe_key = :k"),
                {"d": json.dumps({"reply_token": plain, "telegram_start_token": link, "n": 1}),
                 "k": f"empty_answer:{plain}"})
        migrate(engine)
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            token = connection.execute(select(metadata.tables["token"])).mappings().one()
            outbox = connection.execute(select(metadata.tables["outbox"])).mappings().one()
    finally:
        engine.dispose()
    assert token["token_hash"] == hash_token(plain)
    data = outbox["data"] if isinstance(outbox["data"], dict) else json.loads(outbox["data"])
    assert data == {"reply_token": "[token]", "telegram_start_token": "[link]", "n": 1}
    assert outbox["reply_token_hash"] == hash_token(plain)
    assert outbox["dedupe_key"] == f"empty_answer:{token['id']}"
