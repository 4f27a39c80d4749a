"""Refusals at SMTP in words a contact can act on: the sender's server bounces them with our text.

aiosmtpd's own replies ("552 Error: Too much mail data") reach the contact inside a bounce
and tell them nothing; these say in Swedish and English what to do instead.
"""

from __future__ import annotations

import unicodedata
from typing import AnyStr

from aiosmtpd.smtp import SMTP

from intake.messaging.texts import render

# aiosmtpd's reply texts we replace, and why the mail was refused.
REPLACED = {
    "552 Error: message size exceeds fixed maximum message size": ("552", "5.3.4", "too_large"),
    "552 Error: Too much mail data": ("552", "5.3.4", "too_large"),
    "500 Line too long (see RFC5321 4.5.3.1.6)": ("500", "5.5.2", "line_too_long"),
}


def _ascii(text: str) -> str:
    # Without SMTPUTF8 a reply must be ASCII: "är" becomes "ar", still readable.
    folded = unicodedata.normalize("NFKD", text)
    return folded.encode("ascii", "ignore").decode("ascii")


def refusal(code: str, enhanced: str, reason: str, limit: int | None, utf8: bool) -> str:
    """A multi-line SMTP reply ("552-5.3.4 ...\\r\\n552 5.3.4 ...") from templates/smtp/."""
    limit_mb = round((limit or 0) / (1024 * 1024))
    lines = [line.strip() for line in
             render("smtp/refused.txt.j2", "sv", {"reason": reason, "limit_mb": limit_mb})
             .splitlines() if line.strip()]
    if not utf8:
        lines = [_ascii(line) for line in lines]
    last = len(lines) - 1
    return "\r\n".join(f"{code}{' ' if i == last else '-'}{enhanced} {line}"
                       for i, line in enumerate(lines))


class ExplainingSMTP(SMTP):
    """aiosmtpd's server, with the size and line-length refusals explained."""

    async def push(self, status: AnyStr) -> None:
        text = status.decode("ascii", "replace") if isinstance(status, bytes) else str(status)
        if text in REPLACED:
            code, enhanced, reason = REPLACED[text]
            envelope = getattr(self, "envelope", None)
            utf8 = bool(envelope is not None and envelope.smtp_utf8)
            await super().push(refusal(code, enhanced, reason, self.data_size_limit, utf8))
            return
        await super().push(status)
