"""A small OpenID provider of our own for the sign-in tests (Starlette on uvicorn, RSA keys
by joserfc): discovery, a sign-in page, the authorization code with PKCE, the ID token, JWKS.

`forge` signs ID tokens with a key the provider never published (under the published key's
id), as an attacker without the provider's private key would have to.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.support.waiting import free_port, wait_until

CLIENT_ID, CLIENT_SECRET = "intake-dashboard", "provider-secret"


@dataclass
class Grant:
    email: str
    redirect_uri: str
    nonce: str
    challenge: str


@dataclass
class Provider:
    port: int = field(default_factory=free_port)
    forge: bool = False
    verified: bool = True
    key: RSAKey = field(default_factory=lambda: _key())
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/authorize", self.sign_in_page, methods=["GET"]),
            Route("/authorize", self.signed_in, methods=["POST"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/jwks", self.jwks),
        ])

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"]})

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def sign_in_page(self, request: Request) -> Response:
        """The organisation's sign-in: which account, then back to the client."""
        params = request.query_params
        if params.get("client_id") != CLIENT_ID or params.get("code_challenge_method") != "S256":
            return HTMLResponse("bad request", status_code=400)
        hidden = "".join(f'<input type="hidden" name="{name}" '
                         f'value="{html.escape(params.get(name, ""))}">'
                         for name in ("redirect_uri", "state", "nonce", "code_challenge"))
        return HTMLResponse(
            '<!DOCTYPE html><html lang="sv"><title>Organisationens inloggning</title>'
            f'<form method="post" action="/authorize">{hidden}'
            '<label for="account">Konto</label><input id="account" name="account" type="email">'
            '<button type="submit">Fortsätt</button></form></html>')

    async def signed_in(self, request: Request) -> Response:
        form = await request.form()
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(str(form["account"]), str(form["redirect_uri"]),
                                  str(form["nonce"]), str(form["code_challenge"]))
        query = urllib.parse.urlencode({"code": code, "state": str(form["state"])})
        return RedirectResponse(f"{form['redirect_uri']}?{query}", status_code=303)

    async def token(self, request: Request) -> Response:
        form = {key: str(value) for key, value in (await request.form()).items()}
        self.token_requests.append(form)
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if grant is None or grant.redirect_uri != form.get("redirect_uri") \
                or challenge.decode() != grant.challenge:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": hashlib.sha256(
                grant.email.encode()).hexdigest()[:16], "email": grant.email,
            "email_verified": self.verified, "nonce": grant.nonce, "iat": now,
            "exp": now + 300}
        key = _key() if self.forge else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "provider-key"}, claims, key)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": id_token})


def _key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig",
                                                 "alg": "RS256"}, private=True)


class Running:
    """The provider on uvicorn in a thread of the test process."""

    def __init__(self, provider: Provider):
        self.provider = provider
        self.server = uvicorn.Server(uvicorn.Config(
            provider.app(), host="127.0.0.1", port=provider.port, log_level="warning",
            lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        wait_until(lambda: self.server.started, timeout=30, what="the OpenID provider")
        return self.provider

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
