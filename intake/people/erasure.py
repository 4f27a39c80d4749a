"""Every trace of a person's name, address and phone, wherever it was copied: each table's text,
the local maildir and the database file's free pages.

The row-by-row erase in `privacy` knows where a person's data belongs; this pass finds where it
was copied to: a deputy's reminder naming the main contact, a digest listing contacts, a
colleague's mail quoting them, a nested audit entry. It reads every text, JSON and binary
column of every table, so a table added later is covered without a change here.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Engine, LargeBinary, String, Table, select, update
from sqlmodel import Session, SQLModel

from storage.db import is_sqlite

MIN_LENGTH = 3  # a shorter "identifier" would wipe unrelated text
MAX_PARSED = 2 * 1024 * 1024  # raw mails larger than this are searched as bytes only


class Traces:
    """The identifiers of one person and how to find them in text and bytes, any case."""

    def __init__(self, identifiers: Iterable[str], marker: str):
        found = {i.strip() for i in identifiers if i and len(i.strip()) >= MIN_LENGTH}
        self.items = tuple(sorted((i for i in found if marker not in i), key=len, reverse=True))
        self.marker = marker
        self._text = (re.compile("|".join(re.escape(i) for i in self.items), re.IGNORECASE)
                      if self.items else None)
        self._bytes = [i.lower().encode() for i in self.items]

    def in_text(self, text: str) -> bool:
        return self._text is not None and self._text.search(text) is not None

    def in_bytes(self, raw: bytes) -> bool:
        lowered = raw.lower()
        return any(needle in lowered for needle in self._bytes)

    def scrub(self, value: Any) -> Any:
        """The value with every identifier replaced by the marker, into lists and dicts."""
        if isinstance(value, str):
            return self._text.sub(self.marker, value) if self._text else value
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        return value


def scrub_tables(session: Session, traces: Traces) -> int:
    """Replace the person's identifiers in every text and JSON column of every table; empty
    every raw message (bytes) that names them. Returns how many rows changed."""
    if not traces.items:
        return 0
    changed = 0
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if isinstance(c.type, String | JSON | LargeBinary) and not c.primary_key]
        if columns:
            changed += _scrub_table(session, table, columns, traces)
    return changed


def _scrub_table(session: Session, table: Table, columns: list[Any], traces: Traces) -> int:
    key = next(iter(table.primary_key.columns))
    changed = 0
    for row in session.execute(select(key, *columns)).all():
        values = {}
        for column, value in zip(columns, row[1:], strict=True):
            new = _scrubbed(value, traces)
            if new is not value and new != value:
                values[column.name] = new
        if values:
            session.execute(update(table).where(key == row[0]).values(**values))
            changed += 1
    return changed


def _scrubbed(value: Any, traces: Traces) -> Any:
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        # A raw message is evidence only while it is processed; one naming the person goes.
        return b"" if raw and (traces.in_bytes(raw) or _mail_names(raw, traces)) else value
    return traces.scrub(value)


def _mail_names(raw: bytes, traces: Traces) -> bool:
    """Whether a mail names the person in its decoded headers or text (base64, QP, ...)."""
    if len(raw) > MAX_PARSED or not raw.lstrip()[:1].isalpha():
        return False  # not a mail (a Telegram update is JSON), or too big to parse here
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        texts = [str(value) for value in message.values()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                texts.append(str(part.get_content()))
    except Exception:  # noqa: BLE001 - an unreadable mail was searched as bytes already
        return False
    return any(traces.in_text(text) for text in texts)


def scrub_maildir(maildir: Path, traces: Traces) -> int:
    """Delete every locally delivered mail that names the person; returns how many."""
    if not traces.items or not maildir.is_dir():
        return 0
    removed = 0
    for path in maildir.rglob("*"):
        if path.is_file() and _scrubbed(path.read_bytes(), traces) == b"":
            path.unlink()
            removed += 1
    return removed


def reclaim_free_pages(engine: Engine) -> None:
    """SQLite keeps deleted and overwritten bytes in free pages and the WAL until reused:
    rebuild the file and empty the WAL, so the erased data leaves the disk too."""
    if not is_sqlite(engine):
        return
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        connection.close()
