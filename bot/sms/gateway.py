"""Sending one SMS through a 46elks-compatible gateway: `POST {SMS_API_URL}/sms`, Basic auth.

429 and 5xx (and a lost connection) are transient, for the outbox's back-off; any other 4xx
is permanent: the number or the message will not become acceptable by waiting.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass

import aiohttp

from intake.messaging.outbox import PermanentError, TransientError

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)


@dataclass(frozen=True)
class GatewayConfig:
    api_url: str
    username: str
    password: str
    sender: str
    when_delivered: str | None = None  # our delivery-report URL, when PUBLIC_URL is known


@dataclass(frozen=True)
class SentSms:
    id: str
    parts: int


async def send_sms(
    http: aiohttp.ClientSession, config: GatewayConfig, to: str, message: str
) -> SentSms:
    """Hand one SMS to the gateway; its id, or TransientError / PermanentError."""
    form = {"from": config.sender, "to": to, "message": message}
    if config.when_delivered:
        form["whendelivered"] = config.when_delivered
    url = config.api_url.rstrip("/") + "/sms"
    credentials = f"{config.username}:{config.password}".encode()
    headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")}
    try:
        async with http.post(url, data=form, headers=headers, timeout=TIMEOUT) as response:
            body = await response.text()
            status = response.status
            retry_after = response.headers.get("Retry-After")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise TransientError(f"SMS gateway unreachable: {type(exc).__name__}") from None
    if status == 429 or status >= 500:
        raise TransientError(f"SMS gateway answered {status}", _seconds(retry_after))
    if status >= 400:
        raise PermanentError(f"SMS gateway refused the message ({status}): {body[:200]}")
    return _sent(body)


def _sent(body: str) -> SentSms:
    try:
        data = json.loads(body)
    except ValueError:
        data = {}
    if not isinstance(data, dict) or not data.get("id"):
        # Accepted but unreadable: sending again could deliver it twice, so count it as sent.
        log.warning("sms.accepted_without_id")
        return SentSms("", 1)
    parts = data.get("parts")
    return SentSms(str(data["id"]), parts if isinstance(parts, int) and parts > 0 else 1)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
