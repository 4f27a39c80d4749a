"""Coordinators sign in with the organisation's account (OpenID Connect).

Authorization code flow with PKCE: /login/oidc sends the browser to the provider with a fresh
state, nonce and code challenge kept in the session; /login/oidc/callback checks the state,
trades the code for an ID token, checks its signature against the provider's published keys
(joserfc) and its issuer, audience, expiry and nonce, and lets in the coordinator whose
verified e-mail address it names. Anyone else gets a clear page and no session.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx2
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.people.coordinators import CoordinatorError, find_coordinator, normalise_email
from intake.rounds.review import log_action
from intake.settings import Settings
from intake.web.auth import start_session
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Coordinator

log = logging.getLogger("intake.web.oidc")
CALLBACK = "/login/oidc/callback"
SIGNATURE_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
DISCOVERY_SECONDS = 3600.0  # the provider's configuration and keys are fetched again hourly
PENDING_SECONDS = 600  # a sign-in started longer ago than this is not finished
PENDING = "oidc"


class Refused(Exception):
    """The sign-in is refused; the text says why, for the page and the log."""


@dataclass
class Provider:
    """The provider's discovery document and keys, fetched once and kept for an hour."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    config: dict[str, Any] = field(default_factory=dict)
    keys: KeySet | None = None
    fetched: float = 0.0

    async def configuration(self) -> dict[str, Any]:
        if not self.config or time.monotonic() - self.fetched > DISCOVERY_SECONDS:
            found = await _get_json(f"{self.issuer}/.well-known/openid-configuration")
            if found.get("issuer", "").rstrip("/") != self.issuer:
                raise Refused("the provider's discovery names another issuer")
            self.config, self.keys, self.fetched = found, None, time.monotonic()
        return self.config

    async def key_set(self, refresh: bool = False) -> KeySet:
        if self.keys is None or refresh:
            config = await self.configuration()
            self.keys = KeySet.import_key_set(await _get_json(config["jwks_uri"]))
        return self.keys

    async def authorize_url(self, redirect_uri: str, state: str, nonce: str,
                            verifier: str) -> str:
        config = await self.configuration()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client_id,
            "redirect_uri": redirect_uri, "scope": "openid email profile", "state": state,
            "nonce": nonce, "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256"})
        return f"{config['authorization_endpoint']}?{query}"

    async def id_token(self, code: str, redirect_uri: str, verifier: str) -> str:
        """Trade the code (and the PKCE verifier) for the ID token."""
        config = await self.configuration()
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri, "code_verifier": verifier}
        methods = config.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        auth: tuple[str, str] | None = (self.client_id, self.client_secret)
        if "client_secret_basic" not in methods:
            form |= {"client_id": self.client_id, "client_secret": self.client_secret}
            auth = None
        try:
            async with httpx2.AsyncClient(timeout=20) as client:
                response = await client.post(config["token_endpoint"], data=form, auth=auth)
        except httpx2.HTTPError as exc:
            raise Refused(f"the provider's token endpoint is unreachable: {exc}") from exc
        body = response.json() if response.headers.get("content-type", "").startswith(
            "application/json") else {}
        if response.status_code != 200 or not body.get("id_token"):
            reason = body.get("error") or response.status_code
            raise Refused(f"the provider refused the code: {reason}")
        return str(body["id_token"])

    async def claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The ID token's claims, once its signature, issuer, audience, time and nonce hold."""
        try:
            token = jwt.decode(id_token, await self.key_set(), algorithms=SIGNATURE_ALGORITHMS)
        except (JoseError, ValueError):
            # The provider may have rotated its keys: fetch them once more, then give up.
            try:
                token = jwt.decode(id_token, await self.key_set(refresh=True),
                                   algorithms=SIGNATURE_ALGORITHMS)
            except (JoseError, ValueError) as exc:
                raise Refused(f"the ID token's signature does not hold: {exc}") from exc
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True}, sub={"essential": True})
        try:
            registry.validate(token.claims)
        except JoseError as exc:
            raise Refused(f"the ID token's claims do not hold: {exc}") from exc
        return dict(token.claims)


def verified_email(claims: dict[str, Any]) -> str | None:
    """The e-mail address the provider vouches for; Entra ID says so with xms_edov."""
    address = claims.get("email")
    vouched = claims.get("email_verified") in (True, "true") or claims.get("xms_edov") in (
        True, "true", "1", 1)
    if not (address and vouched):
        return None
    try:
        return normalise_email(str(address))
    except CoordinatorError:
        return None


def oidc_routes(engine: Engine, clock: Clock, settings: Settings | None) -> list[Route]:
    """/login/oidc and its callback when OIDC_ISSUER is set; with OIDC_ONLY no password POST."""
    if settings is None or not (settings.oidc_issuer and settings.oidc_client_id):
        return []
    provider = Provider(settings.oidc_issuer, settings.oidc_client_id,
                        settings.oidc_client_secret or "")
    redirect_uri = settings.public_url + CALLBACK

    async def start(request: Request) -> Response:
        pending = {"state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24),
                   "verifier": secrets.token_urlsafe(48), "at": int(time.time())}
        try:
            url = await provider.authorize_url(redirect_uri, pending["state"], pending["nonce"],
                                               pending["verifier"])
        except (Refused, httpx2.HTTPError, KeyError, ValueError) as exc:
            log.error("OIDC discovery failed: %s", exc)
            return refused(request, 502, "provider")
        request.session[PENDING] = pending
        return RedirectResponse(url, status_code=303)

    async def callback(request: Request) -> Response:
        pending = request.session.pop(PENDING, None)  # one try per sign-in
        params = request.query_params
        if not isinstance(pending, dict) or not secrets.compare_digest(
                str(params.get("state", "")), str(pending.get("state", ""))) \
                or time.time() - pending.get("at", 0) > PENDING_SECONDS:
            log.warning("OIDC callback with a wrong or stale state")
            return refused(request, 400, "state")
        if "error" in params or not params.get("code"):
            log.warning("OIDC provider answered %s", params.get("error", "no code"))
            return refused(request, 403, "provider")
        try:
            id_token = await provider.id_token(params["code"], redirect_uri, pending["verifier"])
            claims = await provider.claims(id_token, pending["nonce"])
        except (Refused, httpx2.HTTPError, KeyError, ValueError) as exc:
            log.warning("OIDC sign-in refused: %s", exc)
            return refused(request, 403, "token")
        address = verified_email(claims)
        coordinator = await asyncio.to_thread(_sign_in, engine, clock, address)
        if coordinator is None:
            log.warning("OIDC sign-in by %s, who is no coordinator", address or "(no e-mail)")
            return refused(request, 403, "unknown", email=address)
        start_session(request, coordinator, clock())
        return RedirectResponse("/", status_code=303)

    routes = [Route("/login/oidc", start, methods=["GET"]),
              Route(CALLBACK, callback, methods=["GET"])]
    if settings.oidc_only:
        routes.append(Route("/login", password_closed, methods=["POST"]))
    return routes


def _sign_in(engine: Engine, clock: Clock, address: str | None) -> Coordinator | None:
    if not address:
        return None
    now = clock()
    with transaction(engine) as session:
        coordinator = find_coordinator(session, address)
        if coordinator is not None:
            log_action(session, coordinator.email, "login", None, now, by="oidc")
            session.expunge(coordinator)
        return coordinator


async def password_closed(request: Request) -> Response:
    """OIDC_ONLY: the password form is gone, and a password posted anyway is not looked at."""
    return refused(request, 403, "password")


def refused(request: Request, status: int, reason: str, **data: Any) -> Response:
    return render_page(request, "login_refused", status, reason=reason, **data)


async def _get_json(url: str) -> dict[str, Any]:
    async with httpx2.AsyncClient(timeout=20) as client:
        response = await client.get(url)
    response.raise_for_status()
    return dict(response.json())


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
