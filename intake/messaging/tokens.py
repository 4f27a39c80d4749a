"""Unguessable tokens: reply addresses of question mails, Telegram deep links, login links."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, select

from intake.clock import from_db
from storage.models import Token


def new_token_text(nbytes: int = 18) -> str:
    # URL- and mailbox-safe: letters, digits, "-" and "_"; 24 characters carry 144 bits.
    return secrets.token_urlsafe(nbytes)


def issue_token(
    session: Session,
    purpose: str,
    now: datetime,
    *,
    assignment_id: int | None = None,
    contact_id: int | None = None,
    coordinator_id: int | None = None,
    question_id: str | None = None,
    expires_at: datetime | None = None,
) -> Token:
    token = Token(
        token=new_token_text(),
        purpose=purpose,
        assignment_id=assignment_id,
        contact_id=contact_id,
        coordinator_id=coordinator_id,
        question_id=question_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return token


def find_token(session: Session, text: str, purpose: str,
               now: datetime | None = None) -> Token | None:
    """The token with this text and purpose, or None; callers check use.

    With `now`, a token expired by then is not found either: a hand-over expires the earlier
    contact's reply tokens, and a reply to one of them must not count as an answer.
    """
    if not text or len(text) > 64:
        return None
    token = session.exec(select(Token).where(Token.token == text,
                                             Token.purpose == purpose)).first()
    if token is None or now is None:
        return token
    expires = from_db(token.expires_at)
    return None if expires is not None and expires <= now else token


def find_live_token(session: Session, text: str, purpose: str, now: datetime) -> Token | None:
    """Like find_token, but only a token not yet used and not expired at `now`."""
    token = find_token(session, text, purpose)
    if token is None or token.used_at is not None:
        return None
    expires = from_db(token.expires_at)
    return None if expires is not None and expires <= now else token


def mask(text: str | None) -> str:
    """A token as logs may show it: enough to tell two apart, not enough to use."""
    if not text:
        return "-"
    return text[:4] + "…" if len(text) > 6 else "…"
