"""Mail as the tests' people write it: Outlook replies in Swedish, out-of-office notices."""

from __future__ import annotations

import email
import email.policy
import html
import re
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

SIGNATURE = """Med vänliga hälsningar

Kim Exempelsson
Näringslivsstrateg
Norrmalms stadsdelsförvaltning
Telefon 08-000 000 00"""
DISCLAIMER = ("När du skickar e-post till Stockholms stad behandlar vi dina personuppgifter "
              "enligt dataskyddsförordningen (GDPR). Läs mer på www.example.se/personuppgifter.")


def read(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def as_wire(message: EmailMessage) -> bytes:
    # CRLF line ends, as a mail server sends them (smtplib sends bytes unchanged).
    return message.as_bytes(policy=email.policy.SMTP)


def plain_body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    return part.get_content() if part else ""


def outlook_reply(sent: EmailMessage, answer: str, sender: str = "Kim Exempelsson "
                  "<Kim.Exempelsson@example.se>", signature: str = SIGNATURE,
                  quoted: str | None = None) -> bytes:
    """A reply as Swedish Outlook desktop writes it: new text on top, quote below.

    `quoted` replaces the quoted mail, for a contact who wrote inside it.
    """
    quoted = plain_body(sent) if quoted is None else quoted
    header = (f"Från: {sent['From']}\nSkickat: den 24 november 2026 10:15\n"
              f"Till: {sent['To']}\nÄmne: {sent['Subject']}\n")
    text = f"{answer}\n\n{signature}\n\n{DISCLAIMER}\n\n{header}\n{quoted}"
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(sent["Reply-To"])
    reply["Subject"] = f"SV: {sent['Subject']}"
    reply["Message-ID"] = make_msgid(domain="GV1P190MB1234.EURP190.PROD.OUTLOOK.COM")
    reply["In-Reply-To"] = str(sent["Message-ID"])
    reply["References"] = str(sent["Message-ID"])
    # Ordinary Outlook replies carry this too; it must not make them look automatic.
    reply["X-Auto-Response-Suppress"] = "All"
    reply["Thread-Topic"] = str(sent["Subject"])
    reply.set_content(text, charset="utf-8", cte="quoted-printable")
    reply.add_alternative(_outlook_html(answer, signature, header, quoted), subtype="html",
                          cte="quoted-printable", charset="utf-8")
    return as_wire(reply)


def _outlook_html(answer: str, signature: str, header: str, quoted: str) -> str:
    def paragraphs(text: str) -> str:
        return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
                       for p in text.split("\n\n"))
    return ("<html><body><div>" + paragraphs(answer) + paragraphs(signature)
            + paragraphs(DISCLAIMER) + '</div><div id="appendonsend"></div>'
            + '<hr style="display:inline-block;width:98%">'
            + '<div id="divRplyFwdMsg">' + paragraphs(header) + "</div>"
            + paragraphs(quoted) + "</body></html>")


def out_of_office(sent: EmailMessage, sender: str, back: str) -> bytes:
    """Exchange's automatic reply, sent to the envelope sender of our mail."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(sent["Return-Path"] or sent["Reply-To"])
    reply["Subject"] = f"Automatiskt svar: {sent['Subject']}"
    reply["Message-ID"] = make_msgid(domain="example.se")
    reply["In-Reply-To"] = str(sent["Message-ID"])
    reply["Auto-Submitted"] = "auto-replied"
    reply["X-Auto-Response-Suppress"] = "All"
    reply["X-MS-Exchange-Inbox-Rules-Loop"] = parseaddr(sender)[1]
    reply.set_content(f"Hej!\n\nJag är på semester och är åter den {back}. "
                      "Vid brådskande ärenden, kontakta växeln.\n\nKim", charset="utf-8")
    return as_wire(reply)


def plain_reply(sent: EmailMessage, body: str, sender: str = "Kim Exempelsson "
                "<kim.exempelsson@example.se>", subject: str | None = None) -> bytes:
    """A plain-text reply whose whole body the test writes (quote and all)."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(sent["Reply-To"])
    reply["Subject"] = subject or f"SV: {sent['Subject']}"
    reply["Message-ID"] = make_msgid(domain="example.se")
    reply["In-Reply-To"] = str(sent["Message-ID"])
    reply["References"] = str(sent["Message-ID"])
    reply.set_content(body, charset="utf-8", cte="quoted-printable")
    return as_wire(reply)


def only_the_quote(sent: EmailMessage) -> bytes:
    """Reply pressed and sent at once: Outlook's header block and the quote, nothing new."""
    header = (f"Från: {sent['From']}\nSkickat: den 24 november 2026 10:15\n"
              f"Till: {sent['To']}\nÄmne: {sent['Subject']}\n")
    return plain_reply(sent, f"\n\n{header}\n{plain_body(sent)}")


def delivery_report(sent: EmailMessage, status: str = "5.1.1") -> bytes:
    """Exchange's non-delivery report (multipart/report), sent back to our envelope sender."""
    recipient = parseaddr(str(sent["To"]))[1]
    boundary = "ab12cd34-ef56-7890-ab12-cd34ef567890"
    text = f"""From: Microsoft Outlook <postmaster@example.se>
To: {sent["Return-Path"]}
Subject: Olevererbart
Message-ID: {make_msgid(domain="GV1P190MB1234.EURP190.PROD.OUTLOOK.COM")}
In-Reply-To: {sent["Message-ID"]}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset="utf-8"

Det gick inte att leverera meddelandet till {recipient}.

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns;GV1P190MB1234.EURP190.PROD.OUTLOOK.COM

Final-Recipient: rfc822;{recipient}
Action: failed
Status: {status}
Diagnostic-Code: smtp;550 {status} RESOLVER.ADR.RecipNotFound; not found

--{boundary}
Content-Type: text/rfc822-headers

Message-ID: {sent["Message-ID"]}
To: {recipient}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode("utf-8")


def answered_inline(sent: EmailMessage, answers: dict[int, str]) -> str:
    """The whole-form mail as the contact leaves it: an answer typed under each question."""
    out: list[str] = []
    current: int | None = None
    for line in plain_body(sent).replace("\r\n", "\n").split("\n"):
        marker = re.match(r"\[(\d+)\]", line)
        if (marker or line.startswith("--")) and current in answers:
            out += [answers[current], ""]
            current = None
        if marker:
            current = int(marker[1])
        out.append(line)
    return "\n".join(out)
