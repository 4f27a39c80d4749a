"""Unguessable tokens: reply addresses of question mails, Telegram deep links, login links.

Only a token's SHA-256 is stored, so a copy of the database opens no reply address and no
login. A message waiting in the outbox still needs its tokens' text: it keeps them sealed
(encrypted with a key derived from SECRET_KEY) until it is sent, then only a placeholder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import Session, select

from intake.clock import from_db
from storage.db import private_dir
from storage.models import Outbox, Token

# The data keys of an outbox message that hold a live token, and what the stored copy says
# instead: short and stable, so a stored sent text still matches the quote in a reply.
SECRET_FIELDS = {"reply_token": "[token]", "telegram_start_token": "[link]"}
KEY_FILE = "secret.key"  # in var/, only when SECRET_KEY is not set


def new_token_text(nbytes: int = 18) -> str:
    # URL- and mailbox-safe: letters, digits, "-" and "_"; 24 characters carry 144 bits.
    return secrets.token_urlsafe(nbytes)


def hash_token(text: str) -> str:
    """What the database keeps of a token: its SHA-256 in hex."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: its row (hash only) and its text, which exists only in memory."""

    row: Token
    token: str

    @property
    def id(self) -> int | None:
        return self.row.id


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
) -> IssuedToken:
    text = new_token_text()
    token = Token(
        token_hash=hash_token(text),
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
    return IssuedToken(token, text)


def find_token(session: Session, text: str, purpose: str,
               now: datetime | None = None) -> Token | None:
    """The token with this text and purpose, or None; callers check use.

    With `now`, a token expired by then is not found either: a hand-over expires the earlier
    contact's reply tokens, and a reply to one of them must not count as an answer.
    """
    if not text or len(text) > 64:
        return None
    token = session.exec(select(Token).where(
        Token.token_hash == hash_token(text), Token.purpose == purpose)).first()
    return token if token is None or now is None else _unexpired(token, now)


def _unexpired(token: Token, now: datetime) -> Token | None:
    expires = from_db(token.expires_at)
    return None if expires is not None and expires <= now else token


def find_live_token(session: Session, text: str, purpose: str, now: datetime) -> Token | None:
    """Like find_token, but only a token not yet used and not expired at `now`."""
    token = find_token(session, text, purpose)
    if token is None or token.used_at is not None:
        return None
    expires = from_db(token.expires_at)
    return None if expires is not None and expires <= now else token


def token_of_sent_mail(session: Session, message_id: str,
                       now: datetime | None = None) -> Token | None:
    """The reply token of the mail we sent with this Message-ID (a reply's In-Reply-To);
    with `now`, not one expired by then."""
    if not message_id or len(message_id) > 250:
        return None
    token = session.exec(
        select(Token)
        .join(Outbox, Outbox.reply_token_hash == Token.token_hash)  # type: ignore[arg-type]
        .where(Outbox.external_id == message_id, Outbox.channel == "email",
               Token.purpose == "reply")
    ).first()
    return token if token is None or now is None else _unexpired(token, now)


def mask(text: str | None) -> str:
    """A token as logs may show it: enough to tell two apart, not enough to use."""
    if not text:
        return "-"
    return text[:4] + "…" if len(text) > 6 else "…"


def seal(data: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """(the data with placeholders for its tokens, the tokens encrypted) for the outbox."""
    found = {key: data[key] for key in SECRET_FIELDS if isinstance(data.get(key), str)}
    if not found:
        return dict(data), None
    blanked = dict(data) | {key: SECRET_FIELDS[key] for key in found}
    return blanked, _fernet().encrypt(json.dumps(found).encode()).decode()


def unseal(data: Mapping[str, Any], sealed: str | None) -> dict[str, Any]:
    """The data as it is sent: the placeholders replaced by the tokens sealed with it."""
    if not sealed:
        return dict(data)
    try:
        found = json.loads(_fernet().decrypt(sealed.encode()))
    except InvalidToken:
        raise SealError("the message's tokens were sealed with another SECRET_KEY") from None
    return dict(data) | found


def blank(text: str, tokens: Mapping[str, str]) -> str:
    """`text` (a rendered mail, a header) with each token's text replaced by its placeholder."""
    for key, value in tokens.items():
        if value and key in SECRET_FIELDS:
            text = text.replace(value, SECRET_FIELDS[key])
    return text


class SealError(RuntimeError):
    """A sealed message cannot be opened (SECRET_KEY changed): it cannot be sent as it was."""


def _fernet() -> Fernet:
    return _fernet_for(_secret_key())


@lru_cache(maxsize=4)
def _fernet_for(secret: bytes) -> Fernet:
    # HKDF turns a passphrase of any length into the 32-byte key Fernet needs; the info string
    # keeps this key apart from any other use of SECRET_KEY (the session cookie's signature).
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"intake outbox tokens v1").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def _secret_key() -> bytes:
    """SECRET_KEY, or without one a random key kept in var/secret.key (0600) across restarts."""
    configured = os.environ.get("SECRET_KEY", "").strip()
    if configured:
        return configured.encode()
    from intake.settings import DEFAULT_VAR_DIR

    var_dir = Path(os.environ.get("INTAKE_VAR_DIR", "").strip() or DEFAULT_VAR_DIR)
    return _key_file(var_dir / KEY_FILE)


@lru_cache(maxsize=4)
def _key_file(path: Path) -> bytes:
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as out:
        out.write(secrets.token_urlsafe(32).encode())
    return path.read_bytes().strip()

