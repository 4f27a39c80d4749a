"""Inbound SMTP: the organisation's mail server forwards replies here; raw mail is stored first.

Recipients are checked at RCPT, the raw bytes are committed to the inbox, and only then is
250 answered; any failure of ours answers 451 so the sending server tries again.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import logging
from email.parser import BytesHeaderParser
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine

from bot.mail.outbound import token_from_address
from intake.clock import Clock
from intake.inbox import reply_token_is_live, store_inbound
from intake.tokens import mask

log = logging.getLogger(__name__)
DEFAULT_SIZE_LIMIT = 10 * 1024 * 1024


class InboundHandler:
    """aiosmtpd handler: RCPT checks the token, DATA stores the raw message."""

    def __init__(self, engine: Engine, clock: Clock, reply_domain: str):
        self.engine, self.clock, self.reply_domain = engine, clock, reply_domain.lower()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        try:
            live = await asyncio.to_thread(self._accepts, address)
        except Exception:  # noqa: BLE001 - our failure must not bounce the sender's mail
            log.exception("RCPT check failed")
            return "451 4.3.0 Temporary failure, please try again later"
        if not live:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _accepts(self, address: str) -> bool:
        local, _, domain = address.strip("<>").rpartition("@")
        if local.lower() == "postmaster":
            return True
        for prefix in ("svar", "bounce"):
            token = token_from_address(address, prefix)
            if token and reply_token_is_live(self.engine, token, self.clock()):
                return True
        return False

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd answers 500 by default: a permanent bounce for what is our own fault.
        log.exception("SMTP session error", exc_info=error)
        return "451 4.3.0 Temporary failure, please try again later"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            await asyncio.to_thread(self._store, envelope, raw)
        except Exception:  # noqa: BLE001
            log.exception("storing inbound mail failed")
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 OK: stored"

    def _store(self, envelope: Envelope, raw: bytes) -> None:
        headers = BytesHeaderParser().parsebytes(raw)
        message_id = (headers.get("Message-ID") or "").strip()
        # A message delivered twice (the connection dropped after our 250) is stored once.
        key = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
        sender = email.utils.parseaddr(headers.get("From") or "")[1].lower() or None
        for rcpt in envelope.rcpt_tos:
            store_inbound(
                self.engine, channel="email", external_id=f"{key}|{rcpt.lower()}", raw=raw,
                now=self.clock(), sender=sender, envelope_from=envelope.mail_from or "",
                envelope_to=rcpt,
            )
        log.info("stored mail for %s", ", ".join(_masked(r) for r in envelope.rcpt_tos))


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    prefix, _, token = local.partition("+")
    return f"{prefix}+{mask(token)}@{domain}" if token else address


def smtp_factory(handler: InboundHandler, size_limit: int = DEFAULT_SIZE_LIMIT) -> Any:
    return lambda: SMTP(handler, data_size_limit=size_limit, enable_SMTPUTF8=True,
                              decode_data=False, hostname="intake",
                              ident="intake inbound")
