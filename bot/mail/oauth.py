"""OAuth 2.0 access tokens for the mail logins (SMTP_AUTH / IMAP_AUTH = xoauth2).

One token by the client-credentials grant from OAUTH_TOKEN_URL, shared by the relay and the
mailbox of this process and cached until shortly before it expires.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx2

from intake.settings import Settings

log = logging.getLogger(__name__)
# Fetch a new token this long before the old one expires (at most a tenth of its lifetime):
# a mail in flight must not fail.
EXPIRY_MARGIN_SECONDS = 60.0
DEFAULT_LIFETIME_SECONDS = 300.0  # when the endpoint names no expires_in


class TokenError(Exception):
    """No token to be had: the endpoint refused us (bad client or secret) or is unreachable."""


@dataclass
class TokenSource:
    url: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    scope: str | None = None
    # Monotonic seconds, not the domain clock: the expiry is the token server's real time.
    _token: str | None = field(default=None, repr=False)
    _expires: float = 0.0
    _lock: asyncio.Lock | None = None
    fetch_error: str | None = None
    # Which server (relay, mailbox) refused, and how: it stands until that server accepts a
    # token again, since a freshly fetched token proves nothing yet.
    refusals: dict[str, str] = field(default_factory=dict)

    @property
    def last_error(self) -> str | None:
        errors = [self.fetch_error] if self.fetch_error else []
        errors += [f"the {server} refused the OAuth token: {detail}"
                   for server, detail in sorted(self.refusals.items())]
        return "; ".join(errors) or None

    async def token(self) -> str:
        """A live access token, fetched when there is none or it is about to expire."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._token and time.monotonic() < self._expires:
                return self._token
            try:
                self._token, lifetime = await self._fetch()
            except TokenError as exc:
                self.fetch_error = str(exc)
                log.error("OAuth token: %s", exc)
                raise
            self._expires = time.monotonic() + lifetime - min(EXPIRY_MARGIN_SECONDS,
                                                               lifetime / 10)
            self.fetch_error = None
            return self._token

    def refused(self, server: str, detail: str) -> None:
        """`server` refused the token: forget it, so the next login fetches a new one."""
        self._token, self._expires = None, 0.0
        self.refusals[server] = detail
        log.error("OAuth token refused by the %s: %s", server, detail)

    def accepted(self, server: str) -> None:
        self.refusals.pop(server, None)

    def health(self) -> dict[str, Any]:
        left = self._expires - time.monotonic() if self._token else None
        return {"ok": self.last_error is None, "token_url": self.url, "error": self.last_error,
                "expires_in_seconds": round(left) if left is not None else None}

    async def _fetch(self) -> tuple[str, float]:
        data = {"grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self.client_secret}
        if self.scope:
            data["scope"] = self.scope
        try:
            async with httpx2.AsyncClient(timeout=20) as client:
                response = await client.post(self.url, data=data)
        except httpx2.HTTPError as exc:
            raise TokenError(f"token endpoint {self.url} unreachable: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not body.get("access_token"):
            reason = body.get("error_description") or body.get("error") or response.text[:200]
            raise TokenError(f"token endpoint refused ({response.status_code}): {reason}")
        lifetime = float(body.get("expires_in") or DEFAULT_LIFETIME_SECONDS)
        return str(body["access_token"]), lifetime


_sources: dict[tuple[str, str, str | None], TokenSource] = {}


def token_source(settings: Settings) -> TokenSource:
    """The process's one token source for these settings (the relay and mailbox share it)."""
    if not (settings.oauth_token_url and settings.oauth_client_id):
        raise TokenError("OAUTH_TOKEN_URL and OAUTH_CLIENT_ID must be set for xoauth2")
    key = (settings.oauth_token_url, settings.oauth_client_id, settings.oauth_scope)
    if key not in _sources:
        _sources[key] = TokenSource(settings.oauth_token_url, settings.oauth_client_id,
                                    settings.oauth_client_secret or "", settings.oauth_scope)
    return _sources[key]


def uses_oauth(settings: Settings) -> bool:
    return "xoauth2" in (settings.smtp_auth, settings.imap_auth if settings.imap_host else "")


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response, base64 as the server expects it."""
    raw = f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
    return base64.b64encode(raw).decode("ascii")
