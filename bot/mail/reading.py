"""The mail adapter: one stored raw mail read into a channel-free `Incoming`, nothing decided.

It parses the MIME once, finds the reply token (recipient address, then In-Reply-To and
References), cuts the new text from the quote (our own sent text, as stored in the outbox,
is the surest marker), classifies automatic mail, and checks that the sender is exactly one
mailbox in exactly one From header. What to do with it is intake's decision.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default as modern_policy

from sqlmodel import Session

from bot.mail.automatic import Classification, classify, out_of_office_return
from bot.mail.outbound import token_from_address
from bot.mail.parsing import IncomingMail, decode_words, parse_mail
from bot.mail.replies import extract_reply
from bot.mail.whole_form import place_answers, reply_text
from intake.conversation.deciding import find_reply_token
from intake.conversation.keywords import keyword_of
from intake.conversation.whole_form import WHOLE_FORM
from intake.messaging.incoming import Incoming
from intake.messaging.outbox import sent_text
from intake.messaging.tokens import SECRET_FIELDS
from storage.models import Inbox

# Mails sent before tokens were hashed carried "q.<token>@" in their Message-ID; ours now
# carry none, and In-Reply-To/References find the sent mail by its stored Message-ID.
_TOKEN_IN_ID = re.compile(r"[.<]q\.([A-Za-z0-9_-]{8,64})@")
_MARKER = re.compile(r"^\[(\d{1,3})\]", re.MULTILINE)
MAX_SHOWN_BODY = 20_000  # what the held-mail page shows of a body


def exact_sender(raw: bytes) -> tuple[str | None, str | None]:
    """(the one mailbox of the one From header, None) or (None, why it is not certain).

    Parsed with the modern `email.policy`; the display name never counts, so
    `"kim@example.se" <other@example.net>` is other@example.net.
    """
    try:
        headers = BytesHeaderParser(policy=modern_policy).parsebytes(raw)
        values = headers.get_all("From") or []
        if len(values) != 1:
            return None, f"{len(values)} From headers"
        mailboxes = values[0].addresses
    except Exception:  # noqa: BLE001 - a header the parser cannot read is no sender
        return None, "unreadable From header"
    if len(mailboxes) != 1:
        return None, f"{len(mailboxes)} mailboxes in From"
    address = (mailboxes[0].addr_spec or "").strip().lower()
    if not mailboxes[0].username or not mailboxes[0].domain or " " in address:
        return None, "From has no complete address"
    return address, None


def thread_ids(mail: IncomingMail) -> tuple[str, ...]:
    """In-Reply-To, then References from the newest: the mails this one answers."""
    found = [mail.in_reply_to or "", *reversed(mail.references)]
    return tuple(dict.fromkeys(m.strip() for m in found if m.strip() and len(m) <= 250))


def thread_tokens(mail: IncomingMail) -> tuple[str, ...]:
    found: list[str] = []
    for message_id in thread_ids(mail):
        found += _TOKEN_IN_ID.findall(message_id)
    return tuple(found)


def envelope_token(row: Inbox) -> str | None:
    for prefix in ("svar", "bounce"):
        token = token_from_address(row.envelope_to or "", prefix)
        if token:
            return token
    return None


def read_mail(session: Session, row: Inbox, now: datetime) -> Incoming:
    """Read a stored mail; only reads the database (our own sent text for the token)."""
    mail = parse_mail(row.raw)
    sender, problem = exact_sender(row.raw)
    found = classify(mail, row.envelope_from)
    shown = {"subject": mail.subject, "from_header": _first(mail, "from"),
             "to_header": _first(mail, "to"), "date_header": _first(mail, "date"),
             "body": reply_text(mail)[:MAX_SHOWN_BODY]}
    route = {"envelope_token": envelope_token(row), "thread_tokens": thread_tokens(mail),
             "thread_ids": thread_ids(mail)}
    common = {"channel": "email", "sender": sender, "sender_problem": problem} | route | shown
    if found.kind != "reply":
        return Incoming(**common, **_automatic(found, mail, now))
    read = Incoming(**common)
    token, text = find_reply_token(session, read.tokens, now, read.thread_ids)
    ours = sent_text(session, token.token_hash) if token else None
    if ours and text:
        # The stored copy has a placeholder where the token was; the quote has the token.
        ours = ours.replace(SECRET_FIELDS["reply_token"], text)
    sent = [t for t in (ours, text) if t]
    if token is not None and token.question_id == WHOLE_FORM:
        total = max((int(n) for n in _MARKER.findall(ours or "")), default=0)
        placement = place_answers(reply_text(mail), ours or "", total, mail.from_name,
                                  mail.from_address or "")
        return Incoming(**common, placed=placement.answers, unplaced=placement.unplaced)
    extraction = extract_reply(mail, sent)
    return Incoming(**common, text=extraction.text, confident=extraction.confident,
                    cut=extraction.reason, keyword=keyword_of(extraction.text))


def _automatic(found: Classification, mail: IncomingMail, now: datetime) -> dict[str, object]:
    if found.kind == "bounce":
        # A "delayed" report is only a warning: the relay is still trying.
        failed = found.action in (None, "failed") and not (found.status or "").startswith("4")
        detail = " ".join(filter(None, [found.status, found.reason]))
        return {"automatic": "bounce", "automatic_reason": found.reason,
                "bounce_failed": failed, "bounce_detail": detail}
    return {"automatic": "auto_reply", "automatic_reason": found.reason,
            "away_until": out_of_office_return(mail.text, mail.subject, now)}


def _first(mail: IncomingMail, name: str) -> str:
    return decode_words(mail.header(name) or "")
