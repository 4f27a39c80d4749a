"""Test fixtures: a fresh database per test on SQLite or PostgreSQL, a clock that travels.

`INTAKE_TEST_DB=postgresql` runs the whole suite on the local PostgreSQL server, in a
database of its own made for this run; an unreachable server fails the run, never skips it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel

from intake.clock import as_utc
from storage.db import make_engine, migrate, transaction

BACKEND = os.environ.get("INTAKE_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("INTAKE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# The seed form (a real filled-in form, its contact details fictional), kept with the tests.
SEED = Path(__file__).resolve().parent / "data"
# Outbox tokens are sealed with a key from SECRET_KEY: the tests and every `serve` they start
# share this one (without it each would fall back on the key file of its own var/).
os.environ.setdefault("SECRET_KEY", "a test key for sealing outbox tokens, never used elsewhere")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime):
        self.now = as_utc(start)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = as_utc(moment)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 2, 10, 0))


def _pg_admin() -> Engine:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.exit(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}", returncode=3)
    return engine


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this run: a SQLite file to copy, or a PostgreSQL database."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        engine.dispose()
        yield str(path)
        return
    admin = _pg_admin()
    name = f"intake_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database for this test."""
    if BACKEND == "sqlite":
        path = tmp_path / "intake.db"
        shutil.copy(database_template, path)
        yield f"sqlite:///{path}"
        return
    engine = make_engine(database_template)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield database_template


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with transaction(engine) as session:
        yield session


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for running `intake` against this test's database."""
    env = {
        "DATABASE_URL": db_url,
        "INTAKE_VAR_DIR": str(tmp_path / "var"),
        "TELEGRAM_BOT_TOKEN": "",
        "SMTP_HOST": "",
        "FORMS_DIR": "",
        "INTAKE_FAKE_NOW": "",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
