"""The roster: committees and their contacts, imported from a CSV file all-or-nothing."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from intake.forms import COMMITTEE_KINDS
from intake.xml_safe import xml_safe
from storage.models import Committee, Contact

REQUIRED_COLUMNS = ("committee", "kind", "contact_name", "email", "phone")
OPTIONAL_COLUMNS = ("role", "language", "valid_from", "valid_to")
ROLES = ("main", "deputy")
LANGUAGES = ("sv", "en")
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[A-Za-z]{2,}$")


class RosterError(ValueError):
    """The file cannot be imported; `problems` has one line per problem, with line numbers."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RosterRow:
    line: int
    committee: str
    kind: str
    contact_name: str
    email: str
    phone: str
    role: str
    language: str
    valid_from: date | None
    valid_to: date | None


@dataclass
class ImportResult:
    committees_created: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    contacts_unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.committees_created} committees created, {self.contacts_created} contacts "
            f"created, {self.contacts_updated} updated, {self.contacts_unchanged} unchanged"
        )


def decode_csv(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError([f"{source}: not UTF-8 text (save the file as CSV UTF-8)"]) from None


def parse_roster(text: str, source: str = "roster") -> list[RosterRow]:
    """Every row, validated; raises RosterError listing every bad row with its line number."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RosterError([f"{source}:1: missing column(s) {', '.join(missing)}; "
                           f"expected {','.join(REQUIRED_COLUMNS)}"])
    unknown = [h for h in header if h not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise RosterError([f"{source}:1: unknown column(s) {', '.join(unknown)}"])
    reader.fieldnames = header
    rows, problems = [], []
    for record in reader:
        line = reader.line_num
        if None in record:
            problems.append(f"{source}:{line}: more fields than columns")
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        row, row_problems = _validate(values, line)
        problems += [f"{source}:{line}: {p}" for p in row_problems]
        if row is not None:
            rows.append(row)
    problems += _conflicts(rows, source)
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError([f"{source}: no rows to import"])
    return rows


def _validate(values: dict[str, str], line: int) -> tuple[RosterRow | None, list[str]]:
    # Names end up in every report: nothing there may be a character XML forbids.
    values = {key: xml_safe(value) for key, value in values.items()}
    problems = [f"{c} is empty" for c in ("committee", "kind", "contact_name", "email")
                if not values.get(c)]
    kind = values.get("kind", "").lower()
    if kind and kind not in COMMITTEE_KINDS:
        problems.append(f"unknown kind {kind!r} (use {', '.join(COMMITTEE_KINDS)})")
    email = values.get("email", "").lower()
    if email and not EMAIL.match(email):
        problems.append(f"not an e-mail address: {values['email']!r}")
    role = (values.get("role") or "main").lower()
    if role not in ROLES:
        problems.append(f"unknown role {role!r} (use main or deputy)")
    language = (values.get("language") or "sv").lower()
    if language not in LANGUAGES:
        problems.append(f"unknown language {language!r} (use sv or en)")
    dates = {}
    for name in ("valid_from", "valid_to"):
        try:
            dates[name] = date.fromisoformat(values[name]) if values.get(name) else None
        except ValueError:
            problems.append(f"{name} is not a date (YYYY-MM-DD): {values[name]!r}")
    if problems:
        return None, problems
    return RosterRow(line, values["committee"], kind, values["contact_name"], email,
                     values.get("phone", ""), role, language, dates.get("valid_from"),
                     dates.get("valid_to")), []


def validate_contact_values(committee: Committee, values: dict[str, str]) -> RosterRow:
    """One contact typed in by hand, checked by the same rules and messages as a CSV row."""
    row, problems = _validate({**values, "committee": committee.name, "kind": committee.kind}, 0)
    if row is None:
        raise RosterError(problems)
    return row


def _conflicts(rows: list[RosterRow], source: str) -> list[str]:
    problems = []
    kinds: dict[str, RosterRow] = {}
    mains: dict[str, RosterRow] = {}
    seen: dict[tuple[str, str], RosterRow] = {}
    for row in rows:
        first = kinds.setdefault(row.committee, row)
        if first.kind != row.kind:
            problems.append(f"{source}:{row.line}: {row.committee!r} is {row.kind} here but "
                            f"{first.kind} on line {first.line}")
        if row.role == "main":
            other = mains.setdefault(row.committee, row)
            if other is not row:
                problems.append(f"{source}:{row.line}: {row.committee!r} has a second main "
                                f"contact (the first is on line {other.line})")
        duplicate = seen.setdefault((row.committee, row.email), row)
        if duplicate is not row:
            problems.append(f"{source}:{row.line}: {row.email} is listed twice for "
                            f"{row.committee!r} (also line {duplicate.line})")
    return problems


def import_roster(session: Session, rows: list[RosterRow], now: datetime,
                  source: str = "roster") -> ImportResult:
    """Upsert committees and contacts; the caller's transaction makes it all-or-nothing."""
    result = ImportResult()
    committees = {c.name: c for c in session.exec(select(Committee))}
    problems = [f"{source}:{r.line}: {r.committee!r} is already registered as "
                f"{committees[r.committee].kind}, not {r.kind}"
                for r in rows
                if r.committee in committees and committees[r.committee].kind != r.kind]
    if problems:
        raise RosterError(problems)
    for row in rows:
        committee = committees.get(row.committee)
        if committee is None:
            committee = Committee(name=row.committee, kind=row.kind, valid_from=row.valid_from,
                                  valid_to=row.valid_to, created_at=now)
            session.add(committee)
            session.flush()
            committees[row.committee] = committee
            result.committees_created += 1
        elif row.valid_from or row.valid_to:
            committee.valid_from, committee.valid_to = row.valid_from, row.valid_to
        _upsert_contact(session, committee, row, now, result)
    return result


def _upsert_contact(session: Session, committee: Committee, row: RosterRow, now: datetime,
                    result: ImportResult) -> None:
    contact = session.exec(
        select(Contact).where(Contact.committee_id == committee.id, Contact.email == row.email)
    ).first()
    if row.role == "main":
        # One main contact per committee: an earlier main becomes a deputy.
        for other in session.exec(select(Contact).where(
            Contact.committee_id == committee.id, Contact.role == "main", Contact.email != row.email
        )):
            other.role = "deputy"
            result.notes.append(f"{other.email} is now a deputy for {committee.name}")
    wanted = {"name": row.contact_name, "phone": row.phone, "role": row.role,
              "language": row.language, "active": True}
    if contact is None:
        session.add(Contact(committee_id=committee.id or 0, email=row.email, created_at=now,
                            **wanted))
        result.contacts_created += 1
    elif any(getattr(contact, k) != v for k, v in wanted.items()):
        for key, value in wanted.items():
            setattr(contact, key, value)
        result.contacts_updated += 1
    else:
        result.contacts_unchanged += 1
    session.flush()
