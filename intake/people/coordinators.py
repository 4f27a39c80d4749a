"""Coordinator accounts: passwords (argon2), one-time login links and the lock-out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from intake.clock import from_db
from intake.messaging.tokens import find_live_token, issue_token
from storage.models import ActionLog, Coordinator

LOGIN_LINK_LIFETIME = timedelta(hours=24)
MAX_FAILED_LOGINS = 5
LOCK_OUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()


class CoordinatorError(ValueError):
    """Bad input for an account: one line."""


class LockedOut(Exception):
    """Too many failed logins: no password is checked until `until`."""

    def __init__(self, until: datetime):
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class NewLink:
    coordinator: Coordinator
    token: str
    created: bool


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not EMAIL_RE.match(cleaned):
        raise CoordinatorError(f"not an e-mail address: {email!r}")
    return cleaned


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CoordinatorError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def find_coordinator(session: Session, email: str) -> Coordinator | None:
    return session.exec(
        select(Coordinator).where(Coordinator.email == email.strip().lower())).first()


def add_coordinator(session: Session, email: str, now: datetime,
                    password: str | None = None) -> NewLink:
    """Create the account (or keep the existing one) and issue a fresh one-time login link."""
    address = normalise_email(email)
    coordinator = find_coordinator(session, address)
    created = coordinator is None
    if coordinator is None:
        coordinator = Coordinator(email=address, created_at=now)
    if password is not None:
        coordinator.password_hash = hash_password(password)
    session.add(coordinator)
    session.flush()
    token = issue_token(session, "login", now, coordinator_id=coordinator.id,
                        expires_at=now + LOGIN_LINK_LIFETIME)
    session.add(ActionLog(at=now, actor="cli", action="coordinator_added" if created
                          else "login_link_issued", detail={"coordinator": address}))
    return NewLink(coordinator, token.token, created)


def _locked_until(coordinator: Coordinator, now: datetime) -> datetime | None:
    until = from_db(coordinator.locked_until)
    return until if until and until > now else None


def check_password(session: Session, email: str, password: str,
                   now: datetime) -> Coordinator | None:
    """The coordinator when the password matches; counts failures and locks the account.

    Raises LockedOut while locked, even for the right password, so guessing gains nothing.
    """
    coordinator = find_coordinator(session, email)
    if coordinator is None:
        _hasher.hash(password or "x")  # same work as a real check: no timing hint of who exists
        return None
    until = _locked_until(coordinator, now)
    if until:
        raise LockedOut(until)
    if _verify(coordinator.password_hash, password):
        coordinator.failed_logins, coordinator.locked_until = 0, None
        session.add(coordinator)
        return coordinator
    coordinator.failed_logins += 1
    if coordinator.failed_logins >= MAX_FAILED_LOGINS:
        coordinator.locked_until, coordinator.failed_logins = now + LOCK_OUT, 0
        session.add(ActionLog(at=now, actor="system", action="coordinator_locked",
                              detail={"coordinator": coordinator.email}))
    session.add(coordinator)
    return None


def _verify(password_hash: str | None, password: str) -> bool:
    if not password_hash or not password:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def redeem_login_link(session: Session, text: str, now: datetime) -> Coordinator | None:
    """The coordinator of an unused, unexpired login link, which is used up by this call."""
    token = find_live_token(session, text, "login", now)
    if token is None or token.coordinator_id is None:
        return None
    token.used_at = now
    session.add(token)
    return session.get(Coordinator, token.coordinator_id)
