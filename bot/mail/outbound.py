"""Outgoing mail: rendered from templates/email, sent through the relay or into a maildir."""

from __future__ import annotations

import asyncio
import mailbox
import re
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

import aiosmtplib

from bot.mail.oauth import TokenError, token_source
from intake.clock import Clock
from intake.messaging.outbox import Delivery, PermanentError, TransientError
from intake.messaging.texts import render
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
    """Subject, plain text and HTML of one outbox message."""
    data = dict(delivery.data) | (extra or {})
    name = delivery.template
    subject = " ".join(render(f"email/{name}.subject.j2", delivery.language, data).split())
    text = render(f"email/{name}.txt.j2", delivery.language, data)
    html = render(f"email/{name}.html.j2", delivery.language,
                  data | {"subject": subject, "body_text": text.strip()})
    return subject, text, html


def build_message(settings: Settings, delivery: Delivery, clock: Clock,
                  telegram_link: str | None = None) -> EmailMessage:
    token = delivery.data.get("reply_token")
    subject, text, html = render_mail(delivery, {"telegram_link": telegram_link})
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = delivery.recipient
    message["Subject"] = subject
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
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


class MailTransport:
    """Sends outbox mail: through SMTP_HOST with aiosmtplib, or into var/maildir without one."""

    def __init__(self, settings: Settings, clock: Clock, telegram_username: str | None = None):
        self.settings, self.clock = settings, clock
        self.telegram_username = telegram_username

    def telegram_link(self, delivery: Delivery) -> str | None:
        start = delivery.data.get("telegram_start_token")
        if not (start and self.telegram_username):
            return None
        return f"https://t.me/{self.telegram_username}?start={start}"

    async def __call__(self, delivery: Delivery) -> str:
        message = build_message(self.settings, delivery, self.clock, self.telegram_link(delivery))
        sender = bounce_address(self.settings, delivery.data.get("reply_token"))
        if self.settings.smtp_host:
            await self._relay(message, sender, delivery.recipient)
        else:
            await asyncio.to_thread(self._to_maildir, message, sender)
        return str(message["Message-ID"])

    def _to_maildir(self, message: EmailMessage, sender: str) -> None:
        message["Return-Path"] = f"<{sender}>"
        private_dir(self.settings.maildir.parent)  # var/: our eyes only
        mailbox.Maildir(str(self.settings.maildir), create=True).add(message.as_bytes())

    async def _relay(self, message: EmailMessage, sender: str, recipient: str) -> None:
        settings = self.settings
        login: dict[str, Any] = {"username": settings.smtp_username,
                                 "password": settings.smtp_password}
        tokens = token_source(settings) if settings.smtp_auth == "xoauth2" else None
        if tokens is not None:
            login = {"username": settings.smtp_username, "oauth_token_generator": tokens.token}
        try:
            await aiosmtplib.send(
                message, sender=sender, recipients=[parseaddr(recipient)[1]],
                hostname=settings.smtp_host, port=settings.smtp_port, **login,
                use_tls=settings.smtp_tls == "tls", start_tls=settings.smtp_tls == "starttls",
                timeout=30,
            )
        except TokenError as exc:
            raise TransientError(f"no OAuth token for the relay: {exc}") from exc
        except aiosmtplib.SMTPAuthenticationError as exc:
            if tokens is None:
                raise PermanentError(f"relay refused the login: {exc.code} {exc.message}") from exc
            # A refused token is ours to renew: the mail waits in the outbox, never lost.
            tokens.refused("relay", f"{exc.code} {exc.message}")
            raise TransientError(f"relay refused the OAuth token: {exc.code}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentError(f"relay refused the recipient: {codes}") from exc
            raise TransientError(f"relay deferred the recipient: {codes}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise PermanentError(f"relay refused: {exc.code} {exc.message}") from exc
            # 421: the relay is closing the session, not judging this message.
            raise TransientError(f"relay deferred: {exc.code} {exc.message}",
                                 outage=exc.code == 421) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransientError(f"relay unreachable: {exc}", outage=True) from exc
        if tokens is not None:
            tokens.accepted("relay")


def token_from_address(address: str, prefix: str) -> str | None:
    """The token in svar+<token>@domain or bounce+<token>@domain, if the address has one."""
    match = re.fullmatch(rf"{prefix}\+([A-Za-z0-9_-]{{8,64}})@.+", address.strip().strip("<>"),
                         flags=re.IGNORECASE)
    return match[1] if match else None
