"""Webhook mode: Telegram POSTs updates to the web server; each is stored before the 200.

aiogram's own webhook handler answers at once and handles the update in the background, so
a crash between the two loses it while Telegram believes it delivered. Here the update is
committed to the inbox first and only then answered; processing happens from the inbox, in
whichever worker gets there first. A wrong or missing secret token gets 403 and nothing is
stored.

The route sits in front of the dashboard as a thin ASGI wrapper: the dashboard's session
middleware never sees Telegram's requests, and the dashboard does not know Telegram exists.
"""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlparse

from aiogram.types import Update
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.telegram.service import TelegramService

log = logging.getLogger("intake.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # a text update is a few kB; anything this big is not Telegram


def webhook_path(url: str) -> str:
    return urlparse(url).path or "/"


class TelegramWebhook:
    """ASGI: POST to the webhook path goes to Telegram's handler, everything else to `app`."""

    def __init__(self, app: ASGIApp, service: TelegramService, path: str, secret: str):
        self.app, self.service, self.path, self.secret = app, service, path, secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path:
            response = await self.handle(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return PlainTextResponse("Method Not Allowed", status_code=405)
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook: refused a request without the right secret token")
            return PlainTextResponse("Forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return PlainTextResponse("Payload Too Large", status_code=413)
        try:
            update = Update.model_validate(json.loads(body), context={"bot": self.service.bot})
        except (ValueError, ValidationError):
            # 200 would make Telegram drop it, so would 400: either way it is not an update.
            return PlainTextResponse("Bad Request", status_code=400)
        try:
            await self.service.receive(update)
        except Exception:  # noqa: BLE001 - not stored: Telegram must send it again
            log.exception("webhook: could not store update %s", update.update_id)
            return PlainTextResponse("Service Unavailable", status_code=503)
        if update.callback_query is not None:
            # The reply to a webhook may be one Bot API call: it stops the button's spinner
            # without a request of our own. The real answer comes through the outbox.
            return JSONResponse({"method": "answerCallbackQuery",
                                 "callback_query_id": update.callback_query.id})
        return Response(status_code=200)
