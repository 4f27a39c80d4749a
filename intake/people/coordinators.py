"""Coordinator accounts: passwords (argon2), one-time login links and the lock-out."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, update
from sqlmodel import Session, col, select

from intake.clock import from_db
from intake.messaging.tokens import find_live_token, issue_token
from storage.db import transaction
from storage.models import ActionLog, Coordinator, LoginAttempt, Token

LOGIN_LINK_LIFETIME = timedelta(hours=24)
# One client address is stopped before it alone could lock an account: an attacker cannot
# keep a coordinator locked out from one address, and the lock itself lasts 15 minutes.
CLIENT_FAILURES = 4
CLIENT_WINDOW = timedelta(minutes=15)
MAX_FAILED_LOGINS = 5
LOCK_OUT = timedelta(minutes=15)
# All clients together: a flood from many addresses slows every password login down.
OVERALL_FAILURES = 100
OVERALL_WINDOW = timedelta(minutes=1)
KEEP_ATTEMPTS = timedelta(days=1)
MIN_PASSWORD_LENGTH = 8
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()


class CoordinatorError(ValueError):
    """Bad input for an account: one line."""


class Throttled(Exception):
    """Too many failed logins from this client or overall: try again after `retry_after`."""

    def __init__(self, retry_after: timedelta):
        super().__init__(f"throttled for {retry_after}")
        self.retry_after = max(retry_after, timedelta(seconds=1))


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
        if not created:
            coordinator.session_version += 1  # a new password ends every session
    session.add(coordinator)
    session.flush()
    revoke_login_links(session, coordinator.id or 0, now)
    token = issue_token(session, "login", now, coordinator_id=coordinator.id,
                        expires_at=now + LOGIN_LINK_LIFETIME)
    session.add(ActionLog(at=now, actor="cli", action="coordinator_added" if created
                          else "login_link_issued", detail={"coordinator": address}))
    return NewLink(coordinator, token.token, created)


def attempt_login(engine: Engine, email: str, password: str, client: str,
                  now: datetime) -> Coordinator | None:
    """The coordinator when the password matches, else None; run in a worker thread.

    Raises Throttled when this client (or everyone) has failed too often, and LockedOut while
    the account is locked. The password hash is checked outside any transaction, so a login
    never holds the database while it hashes.
    """
    keys = _keys(email, client)
    with transaction(engine) as session:
        throttle(session, keys.client, now)
        locked = _locked_until(session, keys.account, now)
        coordinator = find_coordinator(session, email)
        stored = coordinator.password_hash if coordinator else None
        cid = coordinator.id if coordinator else None
    if locked:
        _record(engine, keys.client, None, False, now)  # counts for the client, not the lock
        raise LockedOut(locked)
    ok = _verify(stored, password)
    _record(engine, keys.client, keys.account, ok, now)
    if not ok or cid is None:
        return None
    with transaction(engine) as session:
        return session.get(Coordinator, cid)


@dataclass(frozen=True)
class _Keys:
    client: str
    account: str


def _keys(email: str, client: str) -> _Keys:
    account = email.strip().lower()
    return _Keys(hashlib.sha256(client.encode()).hexdigest(),
                 hashlib.sha256(account.encode()).hexdigest())


def throttle(session: Session, client_key: str, now: datetime) -> None:
    """Raise Throttled when this client, or all clients together, failed too often lately."""
    # A success does not reset a client: logging into one's own account between guesses at
    # another must not buy more guesses.
    mine = _failures(session, LoginAttempt.client_key == client_key, now - CLIENT_WINDOW,
                     reset_by_success=False)
    if len(mine) >= CLIENT_FAILURES:
        raise Throttled(mine[CLIENT_FAILURES - 1] + CLIENT_WINDOW - now)
    overall = session.exec(select(func.count(col(LoginAttempt.id))).where(
        col(LoginAttempt.ok).is_(False), col(LoginAttempt.at) > now - OVERALL_WINDOW)).one()
    if overall >= OVERALL_FAILURES:
        raise Throttled(OVERALL_WINDOW)


def _failures(session: Session, who: Any, since: datetime,
              reset_by_success: bool = True) -> list[datetime]:
    """When this client or account failed since `since` (and since its last success), newest
    first."""
    if reset_by_success:
        last_ok = session.exec(select(func.max(col(LoginAttempt.at))).where(
            who, col(LoginAttempt.ok).is_(True))).one()
        since = max(since, from_db(last_ok)) if last_ok else since
    rows = session.exec(select(LoginAttempt.at).where(
        who, col(LoginAttempt.ok).is_(False), col(LoginAttempt.at) > since)
        .order_by(col(LoginAttempt.at).desc()).limit(max(CLIENT_FAILURES, MAX_FAILED_LOGINS)))
    return [from_db(at) for at in rows]


def _locked_until(session: Session, account_key: str, now: datetime) -> datetime | None:
    failed = _failures(session, LoginAttempt.account_key == account_key, now - LOCK_OUT)
    if len(failed) < MAX_FAILED_LOGINS:
        return None
    return failed[MAX_FAILED_LOGINS - 1] + LOCK_OUT


def _record(engine: Engine, client_key: str, account_key: str | None, ok: bool,
            now: datetime) -> None:
    with transaction(engine) as session:
        session.add(LoginAttempt(at=now, client_key=client_key, account_key=account_key, ok=ok))
        if ok:
            # Only the counting window is needed; older rows are dropped as we go.
            session.exec(delete(LoginAttempt).where(  # type: ignore[call-overload]
                col(LoginAttempt.at) < now - KEEP_ATTEMPTS))
        elif account_key is not None and _locked_until(session, account_key, now):
            session.add(ActionLog(at=now, actor="system", action="login_locked",
                                  detail={"account_key": account_key[:12]}))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # What an unknown address (or an account without a password) is checked against: the
    # same argon2 work as a real check, so the answer's timing says nothing about who exists.
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str | None, password: str) -> bool:
    real = bool(password_hash)
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password or "") and real
    except (VerificationError, InvalidHashError):
        return False


def redeem_login_link(session: Session, text: str, now: datetime) -> Coordinator | None:
    """The coordinator of an unused, unexpired login link, which is used up by this call.

    The use is one conditional UPDATE: of two requests with the same link at the same
    moment (two workers on PostgreSQL) exactly one gets a row back.
    """
    token = find_live_token(session, text, "login", now)
    if token is None or token.coordinator_id is None:
        return None
    used = session.exec(  # type: ignore[call-overload]
        update(Token).where(col(Token.id) == token.id, col(Token.used_at).is_(None))
        .values(used_at=now).returning(col(Token.coordinator_id))).first()
    if used is None:
        return None
    session.expire(token)
    return session.get(Coordinator, used[0])


def revoke_login_links(session: Session, coordinator_id: int, now: datetime) -> int:
    """End every unused login link of this coordinator: only the newest one may work."""
    return int(session.exec(  # type: ignore[call-overload]
        update(Token).where(col(Token.purpose) == "login",
                            col(Token.coordinator_id) == coordinator_id,
                            col(Token.used_at).is_(None)).values(used_at=now)).rowcount)


def end_sessions(session: Session, coordinator_id: int) -> None:
    """Every session of this coordinator ends: logout ends them all, not only this one."""
    session.exec(update(Coordinator)  # type: ignore[call-overload]
                 .where(col(Coordinator.id) == coordinator_id)
                 .values(session_version=Coordinator.session_version + 1))


def remove_coordinator(session: Session, email: str, now: datetime) -> None:
    """Delete the account with its login links; its sessions end with it."""
    coordinator = find_coordinator(session, normalise_email(email))
    if coordinator is None:
        raise CoordinatorError(f"no coordinator {email.strip().lower()}")
    for token in session.exec(select(Token).where(Token.coordinator_id == coordinator.id)):
        session.delete(token)
    session.flush()
    session.delete(coordinator)
    session.add(ActionLog(at=now, actor="cli", action="coordinator_removed",
                          detail={"coordinator": coordinator.email}))
