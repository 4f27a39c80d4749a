"""Inbound SMTP: the organisation's mail server forwards replies here; raw mail is stored first.

Recipients are checked at RCPT, the raw bytes are committed to the inbox, and only then is
250 answered; any failure of ours answers 451 so the sending server tries again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine, create_engine, event, func
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot.mail.outbound import token_from_address
from bot.mail.reading import exact_sender
from bot.mail.refusals import ExplainingSMTP
from intake.clock import Clock
from intake.messaging.inbox import reply_token_exists, store_many
from intake.messaging.tokens import mask
from storage.db import is_sqlite, transaction
from storage.models import ActionLog, Inbox

log = logging.getLogger(__name__)
DEFAULT_SIZE_LIMIT = 10 * 1024 * 1024
# A mail loop must not flood the bot: beyond this, the sending server is told to wait (451).
FLOOD_LIMIT = 30
FLOOD_WINDOW = timedelta(minutes=1)
FLOOD_REPLY = "451 4.7.1 Too many messages from this sender, try again later"
MAX_RECIPIENTS = 20  # a reply names one address; a long list is not a reply
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients in one message"


class InboundHandler:
    """aiosmtpd handler: RCPT checks the token, DATA stores the raw message."""

    def __init__(self, engine: Engine, clock: Clock, reply_domain: str,
                 on_stored: Callable[[], None] | None = None):
        self.engine, self.clock, self.reply_domain = engine, clock, reply_domain.lower()
        self.reader = _reader(engine)
        self.commits = GroupCommit(engine, clock)
        # Wakes the inbox processor: a reply should not wait for the next polling pass.
        self.on_stored = on_stored

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        try:
            live = await asyncio.to_thread(self._accepts, address)
            flooding = live and await asyncio.to_thread(
                self._flooding, envelope.mail_from, _peer(session))
        except Exception:  # noqa: BLE001 - our failure must not bounce the sender's mail
            log.exception("RCPT check failed")
            return "451 4.3.0 Temporary failure, please try again later"
        if flooding:
            return FLOOD_REPLY
        if not live:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _accepts(self, address: str) -> bool:
        """postmaster@ of our reply domain, or svar+/bounce+ with one of our reply tokens.

        A token of a closed round is accepted too: its sender is then told the round is
        closed, instead of a bounce from their own server.
        """
        local, _, domain = address.strip("<>").rpartition("@")
        if local.lower() == "postmaster":
            return domain.lower() == self.reply_domain
        for prefix in ("svar", "bounce"):
            token = token_from_address(address, prefix)
            if token and reply_token_exists(self.reader, token, self.clock()):
                return True
        return False

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd answers 500 by default: a permanent bounce for what is our own fault.
        log.exception("SMTP session error", exc_info=error)
        return "451 4.3.0 Temporary failure, please try again later"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            rows = await asyncio.to_thread(self._rows, envelope, raw, _peer(session))
            await self.commits.store(rows)  # durable (shared with concurrent mails) first
        except Exception:  # noqa: BLE001
            log.exception("storing inbound mail failed")
            return "451 4.3.0 Temporary failure, please try again later"
        log.info("stored mail for %s", ", ".join(_masked(r) for r in envelope.rcpt_tos))
        if self.on_stored is not None:
            self.on_stored()
        return "250 OK: stored"

    def _flooding(self, address: str | None, peer: str | None) -> bool:
        """More than FLOOD_LIMIT mails a minute with one envelope sender from one client.

        Keyed on what the sender cannot choose freely (the envelope and the connecting
        address), not the From header: a forger cannot throttle a real contact.
        """
        address = (address or "").strip("<>").lower()
        if not address:
            return False  # bounces come with an empty sender; each names its own token
        now = self.clock()
        with DbSession(self.reader) as db:
            recent = db.exec(select(func.count(col(Inbox.id))).where(
                col(Inbox.envelope_from) == address, col(Inbox.peer) == peer,
                col(Inbox.received_at) > now - FLOOD_WINDOW)).one()
        if recent < FLOOD_LIMIT:
            return False
        with transaction(self.engine) as db:
            _flag_flood(db, address, peer, now)
        log.warning("flood guard: deferring mail from %s", address)
        return True

    def _rows(self, envelope: Envelope, raw: bytes, peer: str | None) -> list[dict[str, object]]:
        return mail_rows(raw, envelope.mail_from or "", envelope.rcpt_tos, peer)


def mail_rows(raw: bytes, envelope_from: str, recipients: list[str],
              peer: str | None = None) -> list[dict[str, object]]:
    """The inbox rows of one mail: one per recipient, keyed by Message-ID and recipient."""
    headers = BytesHeaderParser().parsebytes(raw, headersonly=True)
    message_id = (headers.get("Message-ID") or "").strip()
    # A message delivered twice (the connection dropped after our 250) is stored once.
    key = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    sender = exact_sender(raw)[0]
    return [{"channel": "email", "external_id": f"{key}|{rcpt.lower()}", "raw": raw,
             "sender": sender, "envelope_from": envelope_from, "envelope_to": rcpt,
             "peer": peer, "conversation": f"mail:{sender}" if sender else None}
            for rcpt in recipients]


def store_mail(engine: Engine, raw: bytes, rcpt_tos: list[str], mail_from: str | None,
               now: datetime, peer: str | None = None) -> int:
    """Store a raw mail in the inbox exactly as the SMTP server does; how many rows were new.

    SMTP DATA and the IMAP mailbox both store here, so a mail that arrives twice (the
    connection dropped after our 250, or a crash before the mailbox move) is stored once.
    """
    return store_many(engine, mail_rows(raw, mail_from or "", rcpt_tos, peer), now)


class GroupCommit:
    """Mails that arrive together share one durable commit, each answered 250 after it.

    Durability stays as it is (SQLite synchronous=FULL): a DATA waits for the commit that
    holds its mail; what changes is that one commit can hold several.
    """

    def __init__(self, engine: Engine, clock: Clock):
        self.engine, self.clock = engine, clock
        self.waiting: list[tuple[list[dict[str, object]], asyncio.Future[None]]] = []
        self.running = False

    async def store(self, rows: list[dict[str, object]]) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((rows, future))
        if not self.running:
            self.running = True
            asyncio.ensure_future(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                rows = [row for mail, _ in batch for row in mail]
                try:
                    await asyncio.to_thread(store_many, self.engine, rows, self.clock())
                except Exception as exc:  # noqa: BLE001 - each DATA answers 451
                    for _, future in batch:
                        future.set_exception(exc)
                else:
                    for _, future in batch:
                        future.set_result(None)
        finally:
            self.running = False


def _peer(session: Session) -> str | None:
    peer = getattr(session, "peer", None)
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer) if peer else None


def _reader(engine: Engine) -> Engine:
    """An engine for the checks at RCPT and DATA, which only read.

    On SQLite every transaction of the main engine takes the write lock at BEGIN; checks
    that only read would queue behind the inbox processor and the outbox for it, and make
    them wait in turn. Under WAL a plain read needs no lock, so reads get their own engine.
    """
    if not is_sqlite(engine):
        return engine
    reader = create_engine(engine.url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(reader, "connect")
    def _autocommit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # each SELECT on its own, no write lock

    return reader


def _flag_flood(db: DbSession, address: str, peer: str | None, now: datetime) -> None:
    """One ActionLog row per address and hour, however long the loop goes on."""
    logged = db.exec(select(ActionLog).where(
        ActionLog.action == "mail_flood", col(ActionLog.at) > now - timedelta(hours=1)))
    if any(entry.detail.get("address") == address for entry in logged):
        return
    db.add(ActionLog(at=now, actor="system", action="mail_flood",
                     detail={"address": address, "peer": peer,
                             "limit_per_minute": FLOOD_LIMIT}))


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    prefix, _, token = local.partition("+")
    return f"{prefix}+{mask(token)}@{domain}" if token else address


def smtp_factory(handler: InboundHandler, size_limit: int = DEFAULT_SIZE_LIMIT) -> Any:
    return lambda: ExplainingSMTP(handler, data_size_limit=size_limit, enable_SMTPUTF8=True,
                              decode_data=False, hostname="intake",
                              ident="intake inbound")
