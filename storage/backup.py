"""`intake backup`: a consistent copy of a live SQLite database, taken while serve runs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from storage.db import DatabaseError, is_sqlite


class BackupError(ValueError):
    """The backup cannot be made here; one line for the operator."""


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database with SQLite's online backup API; returns the size in bytes.

    The online backup copies page by page under SQLite's own locking, so writers (serve) may
    keep going; a plain file copy of a WAL database can be torn. The copy is written beside
    the target first and renamed, so a failed run never leaves half a backup under its name.
    """
    if not is_sqlite(engine):
        raise BackupError("the database is PostgreSQL: back it up with pg_dump "
                          "(e.g. pg_dump -Fc -f intake.dump DBNAME), not intake backup")
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("the database lives in memory; there is nothing to back up")
    target = target.expanduser()
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such directory")
    if target.resolve() == Path(source_path).resolve():
        raise BackupError(f"{target} is the database itself")
    partial = target.with_name(f".{target.name}.partial")
    try:
        source = sqlite3.connect(source_path, timeout=30)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
                # One self-contained file: no -wal beside it that a restore could forget.
                destination.execute("PRAGMA journal_mode=DELETE")
            finally:
                destination.close()
        finally:
            source.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"backup of {source_path} failed: {exc}") from exc
    return target.stat().st_size
