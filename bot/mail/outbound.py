"""Outgoing mail: rendered from templates/email, sent through the relay or into a maildir."""

from __future__ import annotations

import asyncio
import contextlib
import mailbox
import re
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

import aiosmtplib

from bot.mail.oauth import TokenError, TokenSource, token_source
from intake.clock import Clock
from intake.messaging import rendering
from intake.messaging.channels import Channel
from intake.messaging.outbox import Delivery, PermanentError, Sent, TransientError
from intake.messaging.rendering import Rendered
from intake.settings import Settings
from storage.db import private_dir

# Mails that ask for a reply suppress no automatic responses: an out-of-office reply is news.
ASKS_FOR_REPLY = ("question", "reminder")


def reply_address(settings: Settings, token: str) -> str:
    return f"svar+{token}@{settings.mail_reply_domain}"


def bounce_address(settings: Settings, token: str | None) -> str:
    local = f"bounce+{token}" if token else "bounce"
    return f"{local}@{settings.mail_reply_domain}"


def render_mail(delivery: Delivery, extra: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one outbox message, rendered from its template."""
    rendered = rendering.render_mail(delivery.template, delivery.language,
                                     dict(delivery.data) | (extra or {}))
    return rendered.subject or "", rendered.text, rendered.html or ""


def rendered_for(delivery: Delivery, telegram_link: str | None) -> Rendered:
    """What was rendered at enqueue; else (an invitation with its link) rendered now."""
    if delivery.rendered is not None:
        return delivery.rendered
    return rendering.render_mail(delivery.template, delivery.language,
                                 dict(delivery.data) | {"telegram_link": telegram_link})


def build_message(settings: Settings, delivery: Delivery, clock: Clock,
                  rendered: Rendered) -> EmailMessage:
    token = delivery.data.get("reply_token")
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = delivery.recipient
    message["Subject"] = rendered.subject or ""
    message["Date"] = format_datetime(clock())
    # Chosen at the first attempt and kept, so a resend after a crash is the same message to
    # the recipient's server; it carries no token (In-Reply-To finds the row by it).
    message["Message-ID"] = delivery.message_id or make_msgid(domain=settings.mail_reply_domain)
    if token:
        message["Reply-To"] = formataddr(("", reply_address(settings, token)))
    if delivery.thread:
        message["In-Reply-To"] = delivery.thread[-1]
        message["References"] = " ".join(delivery.thread[-20:])
    message["X-Intake-Kind"] = delivery.kind
    if delivery.kind in ASKS_FOR_REPLY and delivery.question_number:
        message["X-Intake-Question"] = str(delivery.question_number)
    if delivery.kind not in ASKS_FOR_REPLY:
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, charset="utf-8")
    message.add_alternative(rendered.html or "", subtype="html", charset="utf-8")
    return message


class MailTransport:
    """Sends outbox mail: through SMTP_HOST with aiosmtplib, or into var/maildir without one.

    A batch shares one relay connection: connecting (and TLS, and AUTH) once per batch
    instead of once per mail.
    """

    def __init__(self, settings: Settings, clock: Clock, telegram_username: str | None = None):
        self.settings, self.clock = settings, clock
        self.telegram_username = telegram_username

    def telegram_link(self, delivery: Delivery) -> str | None:
        start = delivery.data.get("telegram_start_token")
        if not (start and self.telegram_username):
            return None
        return f"https://t.me/{self.telegram_username}?start={start}"

    def _prepare(self, delivery: Delivery) -> tuple[EmailMessage, str, Sent]:
        rendered = rendered_for(delivery, self.telegram_link(delivery))
        message = build_message(self.settings, delivery, self.clock, rendered)
        sender = bounce_address(self.settings, delivery.data.get("reply_token"))
        stored = None if delivery.rendered is not None else rendered
        return message, sender, Sent(str(message["Message-ID"]), stored)

    async def __call__(self, delivery: Delivery) -> Sent:
        return (await self.send_batch([delivery]))[0]

    async def send_batch(self, deliveries: Sequence[Delivery]) -> list[Any]:
        """One outcome per delivery, in order: a Sent, or the error it met."""
        prepared = [self._prepare(delivery) for delivery in deliveries]
        if not self.settings.smtp_host:
            await asyncio.to_thread(self._to_maildir, [(m, s) for m, s, _ in prepared])
            return [sent for _, _, sent in prepared]
        return await self._relay(prepared, [d.recipient for d in deliveries])

    def _to_maildir(self, messages: list[tuple[EmailMessage, str]]) -> None:
        private_dir(self.settings.maildir.parent)  # var/: our eyes only
        box = mailbox.Maildir(str(self.settings.maildir), create=True)
        for message, sender in messages:
            message["Return-Path"] = f"<{sender}>"
            box.add(message.as_bytes())

    async def _relay(self, prepared: list[tuple[EmailMessage, str, Sent]],
                     recipients: list[str]) -> list[Any]:
        settings = self.settings
        login: dict[str, Any] = {"username": settings.smtp_username,
                                 "password": settings.smtp_password}
        tokens = token_source(settings) if settings.smtp_auth == "xoauth2" else None
        if tokens is not None:
            login = {"username": settings.smtp_username, "oauth_token_generator": tokens.token}
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host, port=settings.smtp_port, **login,
            use_tls=settings.smtp_tls == "tls", start_tls=settings.smtp_tls == "starttls",
            timeout=30)
        try:
            await client.connect()  # logs in too, by password or by OAuth token
        except Exception as exc:  # noqa: BLE001 - every message of the batch meets it
            failed = _login_failure(exc, tokens)
            with contextlib.suppress(Exception):
                client.close()
            return [failed for _ in prepared]
        if tokens is not None:
            tokens.accepted("relay")
        outcomes: list[Any] = []
        try:
            for (message, sender, sent), recipient in zip(prepared, recipients, strict=True):
                outcomes.append(await _send_one(client, message, sender, recipient, sent))
                if isinstance(outcomes[-1], TransientError) and not client.is_connected:
                    lost = TransientError("relay connection lost", outage=True)
                    outcomes += [lost] * (len(prepared) - len(outcomes))
                    break
        finally:
            with contextlib.suppress(Exception):
                await client.quit()
        return outcomes


def _login_failure(exc: Exception, tokens: TokenSource | None) -> Exception:
    """What a failed connection or login means for the mails waiting to go."""
    if isinstance(exc, TokenError):
        return TransientError(f"no OAuth token for the relay: {exc}")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        if tokens is None:
            return PermanentError(f"relay refused the login: {exc.code} {exc.message}")
        # A refused token is ours to renew: the mail waits in the outbox, never lost.
        tokens.refused("relay", f"{exc.code} {exc.message}")
        return TransientError(f"relay refused the OAuth token: {exc.code}")
    if isinstance(exc, aiosmtplib.SMTPException | OSError):
        return TransientError(f"relay unreachable: {exc}", outage=True)
    raise exc


async def _send_one(client: aiosmtplib.SMTP, message: EmailMessage, sender: str,
                    recipient: str, sent: Sent) -> Any:
    try:
        await client.send_message(message, sender=sender, recipients=[parseaddr(recipient)[1]])
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [refused.code for refused in exc.recipients]
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentError(f"relay refused the recipient: {codes}")
        return TransientError(f"relay deferred the recipient: {codes}")
    except aiosmtplib.SMTPResponseException as exc:
        if 500 <= exc.code < 600:
            return PermanentError(f"relay refused: {exc.code} {exc.message}")
        # 421: the relay is closing the session, not judging this message.
        return TransientError(f"relay deferred: {exc.code} {exc.message}",
                              outage=exc.code == 421)
    except (aiosmtplib.SMTPException, OSError) as exc:
        return TransientError(f"relay unreachable: {exc}", outage=True)
    return sent


def mail_channel(transport: MailTransport) -> Channel:
    from intake.people.contacts import mark_email_failing

    return Channel("email", transport, transport.send_batch, mark_email_failing)


def token_from_address(address: str, prefix: str) -> str | None:
    """The token in svar+<token>@domain or bounce+<token>@domain, if the address has one."""
    match = re.fullmatch(rf"{prefix}\+([A-Za-z0-9_-]{{8,64}})@.+", address.strip().strip("<>"),
                         flags=re.IGNORECASE)
    return match[1] if match else None
