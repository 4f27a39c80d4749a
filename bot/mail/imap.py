"""Replies from the organisation's mailbox (IMAP): each mail stored raw, then moved away.

With IMAP_HOST set, `serve` reads IMAP_FOLDER (IDLE where the server offers it, polling
otherwise). Each mail is committed to the inbox, as SMTP DATA does, before it is marked \\Seen
and moved to `intake/processed`; a crash between the two re-reads the mail, and the inbox's
Message-ID key stores it once. The reply token comes from the svar+/bounce+ addresses in
Delivered-To, To and Cc, handed on as the envelope recipient SMTP would have given.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import os
import re
import ssl
from collections.abc import Callable
from datetime import datetime
from email.parser import BytesHeaderParser
from typing import Any

from aioimaplib import IMAP4, Command, IMAP4ClientProtocol
from sqlalchemy import Engine

from bot.mail.inbound import DEFAULT_SIZE_LIMIT, store_mail
from bot.mail.oauth import TokenSource, token_source
from bot.mail.outbound import token_from_address
from intake.clock import Clock, iso
from intake.operations.health import seconds_from_env
from intake.settings import Settings

log = logging.getLogger(__name__)
PROCESSED = "intake/processed"  # as the contract names it; the server's delimiter replaces "/"
POLL_SECONDS = 30.0  # without IDLE; IMAP_POLL_SECONDS overrides
IDLE_SECONDS = 300.0  # renew IDLE well inside the servers' 29-30 minute limit
BACKOFF_START, BACKOFF_MAX = 1.0, 60.0
# Tests stretch it to catch serve between a stored mail and its move (kill -9 there).
HOLD_AFTER_STORE = float(os.environ.get("INTAKE_MAILBOX_HOLD_SECONDS") or 0)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_DELIMITER = re.compile(rb'\) "(\\?.)" ')  # LIST "" "" answers: (\Noselect) "/" ""


class MailboxError(Exception):
    """The server said NO or BAD, or would not let us in."""


class _Protocol(IMAP4ClientProtocol):
    def _continuation(self, line: bytes) -> None:
        # A refused XOAUTH2 token comes as a "+ <error>" challenge that waits for an empty
        # answer before the tagged NO; aioimaplib would wait for it until its timeout.
        command = self.pending_sync_command
        if command is not None and command.name == "AUTHENTICATE":
            command.append_to_resp(line)
            self.transport.write(b"\r\n")
            return
        super()._continuation(line)


class _Client(IMAP4):
    def create_client(self, host: str, port: int, loop: asyncio.AbstractEventLoop,
                      conn_lost_cb: Callable[[Exception | None], None] | None = None,
                      ssl_context: ssl.SSLContext | None = None) -> None:
        local_loop = loop or asyncio.get_running_loop()
        self.protocol = _Protocol(local_loop, conn_lost_cb)
        self._client_task = local_loop.create_task(local_loop.create_connection(
            lambda: self.protocol, host, port, ssl=ssl_context))


def recipients(raw: bytes, reply_domain: str) -> list[str]:
    """The reply addresses this mail was sent to: one per token, Delivered-To first."""
    headers = BytesHeaderParser().parsebytes(raw)
    values = [str(v) for name in ("Delivered-To", "To", "Cc") for v in headers.get_all(name, [])]
    found: dict[str, str] = {}
    for _, address in email.utils.getaddresses(values):
        address = address.strip()  # the token is case-sensitive: only the domain is not
        if not address.lower().endswith("@" + reply_domain.lower()):
            continue
        for prefix in ("svar", "bounce"):
            token = token_from_address(address, prefix)
            if token and token not in found:
                found[token] = address
    return list(found.values())


def envelope_sender(raw: bytes) -> str | None:
    """Return-Path as the delivering server wrote it: '' for a bounce's <>, None if absent."""
    value = BytesHeaderParser().parsebytes(raw).get("Return-Path")
    return None if value is None else email.utils.parseaddr(str(value))[1].lower()


class MailboxReader:
    """Reads IMAP_FOLDER for as long as `serve` runs; reconnects with back-off when cut off."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock,
                 on_stored: Callable[[], None] | None = None):
        self.settings, self.engine, self.clock, self.on_stored = settings, engine, clock, on_stored
        self.tokens: TokenSource | None = (token_source(settings)
                                           if settings.imap_auth == "xoauth2" else None)
        self.poll_seconds = seconds_from_env("IMAP_POLL_SECONDS", POLL_SECONDS)
        self.state = "starting"
        self.error: str | None = None
        self.idle: bool | None = None
        self.checked_at: datetime | None = None
        self.stored = 0
        self.processed = PROCESSED
        self.reconnects = 0  # logins after the first: a monitor sees a flapping connection
        self._lost = asyncio.Event()

    def health(self) -> dict[str, Any]:
        """The /healthz part: connected and reading, or what went wrong last."""
        return {"ok": self.state in ("idle", "polling"), "state": self.state,
                "target": f"{self.settings.imap_host}:{self.settings.imap_port}",
                "folder": self.settings.imap_folder, "idle": self.idle, "error": self.error,
                "checked_at": iso(self.checked_at), "stored": self.stored,
                "reconnects": self.reconnects}

    async def run(self, stop: asyncio.Event) -> None:
        delay, logins = BACKOFF_START, 0
        while not stop.is_set():
            client: _Client | None = None
            try:
                self.state = "connecting"
                client = await self._connect()
                logins += 1
                self.reconnects = logins - 1
                delay = BACKOFF_START
                await self._read(client, stop)
            except Exception as exc:  # noqa: BLE001 - the server, the token or the database:
                # whatever it was, the mail stays in the mailbox and is read on the next try
                self.state, self.error = "error", f"{type(exc).__name__}: {exc}"[:300]
                log.error("mailbox %s: %s; again in %.0f s", self.settings.imap_host,
                          self.error, delay)
            finally:
                if client is not None:
                    await _close(client, polite=not self._lost.is_set())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _connect(self) -> _Client:
        settings = self.settings
        self._lost = asyncio.Event()
        context = ssl.create_default_context() if settings.imap_tls != "none" else None
        client = _Client(settings.imap_host or "", settings.imap_port, timeout=30,
                         conn_lost_cb=lambda _exc: self._lost.set(),
                         ssl_context=context if settings.imap_tls == "tls" else None)
        await client.wait_hello_from_server()
        if settings.imap_tls == "starttls":
            await _starttls(client, settings.imap_host or "", context)
        await self._login(client)
        folder = settings.imap_folder
        _ok(await client.select(_quoted(folder)), f"SELECT {folder}")
        self.processed = await _processed_folder(client)
        created = await client.create(_quoted(self.processed))  # NO [ALREADYEXISTS] is fine
        if created.result != "OK" and b"ALREADYEXISTS" not in b" ".join(created.lines):
            raise MailboxError(f"cannot create {self.processed}: {_text(created)}")
        self.idle = client.has_capability("IDLE")
        return client

    async def _login(self, client: _Client) -> None:
        user = self.settings.imap_username or ""
        if self.tokens is None:
            _ok(await client.login(user, self.settings.imap_password or ""), "LOGIN")
            return
        response = await client.xoauth2(user, await self.tokens.token())  # type: ignore[arg-type]
        if response.result != "OK":
            self.tokens.refused("mailbox", _text(response))
            raise MailboxError(f"the mailbox refused the OAuth token: {_text(response)}")
        self.tokens.accepted("mailbox")
        await client.protocol.capability()  # some servers list MOVE and IDLE only now

    async def _read(self, client: _Client, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if self._lost.is_set():
                raise MailboxError("connection lost")
            await self.sweep(client)
            self.state, self.error = ("idle" if self.idle else "polling"), None
            self.checked_at = self.clock()
            if self.idle:
                await self._idle(client, stop)
            else:
                await _first(stop, self._lost, timeout=self.poll_seconds)

    async def _idle(self, client: _Client, stop: asyncio.Event) -> None:
        """Wait in IDLE until the server announces a change, or for a while, or for stop."""
        idle = await client.idle_start(timeout=IDLE_SECONDS)
        push = asyncio.ensure_future(client.wait_server_push(timeout=IDLE_SECONDS + 5))
        stopped = asyncio.ensure_future(stop.wait())
        lost = asyncio.ensure_future(self._lost.wait())
        try:
            await asyncio.wait({push, stopped, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (push, stopped, lost):
                waiter.cancel()
        if self._lost.is_set():
            raise MailboxError("connection lost while idle")
        client.idle_done()
        await asyncio.wait_for(idle, 30)

    async def sweep(self, client: _Client) -> int:
        """Store and move every mail now in the folder; returns how many were new."""
        found = await client.uid_search("ALL", charset=None)
        _ok(found, "UID SEARCH")
        new = 0
        for uid in found.lines[0].split() if found.lines else []:
            if uid.isdigit():
                new += await self._take(client, uid.decode())
        return new

    async def _take(self, client: _Client, uid: str) -> int:
        fetched = await client.uid("fetch", uid, "(RFC822.SIZE BODY.PEEK[])")
        _ok(fetched, f"UID FETCH {uid}")
        raw, size = _body(fetched.lines)
        new = 0
        if raw is None:
            return 0  # gone meanwhile (another reader moved it)
        if size > DEFAULT_SIZE_LIMIT:
            # The SMTP door refuses such mail; here it stays unread in the processed folder.
            log.warning("mailbox: mail uid %s of %d bytes is over the limit, not taken", uid, size)
        else:
            new = await asyncio.to_thread(self._store, raw)
            if new and self.on_stored is not None:
                self.on_stored()
            if HOLD_AFTER_STORE:
                await asyncio.sleep(HOLD_AFTER_STORE)
            _ok(await client.uid("store", uid, "+FLAGS.SILENT (\\Seen)"), "UID STORE \\Seen")
        await self._move(client, uid)
        return new

    def _store(self, raw: bytes) -> int:
        domain = self.settings.mail_reply_domain
        to = recipients(raw, domain) or [self.settings.imap_username or f"svar@{domain}"]
        added = store_mail(self.engine, raw, to, envelope_sender(raw), self.clock())
        self.stored += added
        return added

    async def _move(self, client: _Client, uid: str) -> None:
        if client.has_capability("MOVE"):
            _ok(await client.uid("move", uid, _quoted(self.processed)), f"UID MOVE {uid}")
            return
        _ok(await client.uid("copy", uid, _quoted(self.processed)), f"UID COPY {uid}")
        _ok(await client.uid("store", uid, "+FLAGS.SILENT (\\Deleted)"), "UID STORE \\Deleted")
        if client.has_capability("UIDPLUS"):
            _ok(await client.uid("expunge", uid), f"UID EXPUNGE {uid}")
        else:
            _ok(await client.expunge(), "EXPUNGE")


async def _processed_folder(client: _Client) -> str:
    """intake/processed in the server's own hierarchy delimiter ("/" on Exchange and Gmail,
    often "." on Dovecot and Cyrus), so it is the folder "processed" inside "intake"."""
    listed = await client.list('""', '""')
    for line in listed.lines if listed.result == "OK" else []:
        match = _DELIMITER.search(line) if isinstance(line, bytes) else None
        if match:
            return PROCESSED.replace("/", match[1].decode()[-1])
    return PROCESSED


async def _starttls(client: _Client, host: str, context: ssl.SSLContext | None) -> None:
    protocol = client.protocol
    response = await asyncio.wait_for(protocol.execute(
        Command("STARTTLS", protocol.new_tag(), loop=protocol.loop)), client.timeout)
    _ok(response, "STARTTLS")
    loop = asyncio.get_running_loop()
    protocol.transport = await loop.start_tls(protocol.transport, protocol,
                                              context or ssl.create_default_context(),
                                              server_hostname=host)
    await asyncio.wait_for(protocol.capability(), client.timeout)  # as announced under TLS


def _body(lines: list[Any]) -> tuple[bytes | None, int]:
    """The literal of a FETCH answer and the size the server gave."""
    size, raw = 0, None
    for line in lines:
        if isinstance(line, bytearray | memoryview):
            raw = bytes(line)
        elif isinstance(line, bytes) and (match := _SIZE.search(line)):
            size = int(match[1])
    return raw, size or len(raw or b"")


def _ok(response: Any, what: str) -> None:
    if response.result != "OK":
        raise MailboxError(f"{what}: {response.result} {_text(response)}")


def _text(response: Any) -> str:
    return " ".join(line.decode("utf-8", "replace") if isinstance(line, bytes) else "…"
                    for line in response.lines)[:200]


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def _first(*events: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _close(client: _Client, polite: bool) -> None:
    if polite:  # LOGOUT on a dead connection would only wait for its timeout
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.logout(), 5)
    with contextlib.suppress(Exception):
        if client.protocol.transport is not None:
            client.protocol.transport.close()
