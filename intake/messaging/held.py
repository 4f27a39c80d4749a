"""Held and automatic mail for coordinators: read it, assign held mail as an answer, discard it.

Mail from an unknown sender (or without a reply token) is held, auto-replies and bounces are
kept; none of them is ever taken as an answer by itself. A coordinator reads them here and
decides. Reading uses only the standard library's `email` package: intake/ knows no channel,
so the channel's own mail reader in bot/ is not used.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import Any

from sqlmodel import Session, col, func, select

from intake.collation import committee_order
from intake.conversation.answers import Misfit, parse
from intake.conversation.engine import DONE_STATUSES, Conversation, Event, handle_event
from intake.rounds.review import ReviewError, log_action
from storage.models import Assignment, Committee, Inbox, Round

SHOWN_STATUSES = ("held", "auto_reply", "bounce")
MAX_SHOWN_RAW = 200_000  # a huge attachment need not fill the page


@dataclass(frozen=True)
class ReadMail:
    sender: str
    to: str
    subject: str
    date: str
    body: str
    raw: str
    raw_truncated: bool
    # The answer the channel's reply reader proposes (quote, greeting, signature out), and why.
    answer: str = ""
    answer_note: str = ""


# The channel's reply reader, handed in by the entry point (serve) so that intake/ imports no
# bot/: a held mail assigned by a coordinator is read by the same rules as any reply.
ReplyReader = Callable[[bytes], tuple[str, str]]
_reply_reader: ReplyReader | None = None


def use_reply_reader(reader: ReplyReader | None) -> None:
    global _reply_reader
    _reply_reader = reader


class _TextOfHtml(HTMLParser):
    """The visible text of an HTML-only mail: enough to read it, never rendered as HTML."""

    BREAKS = ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "".join(self.parts)).strip()


def _header(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:  # noqa: BLE001 - a malformed header must not hide the rest of the mail
        return ""


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - unknown charset or broken encoding: show what we can
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def body_text(message: Message) -> str:
    """The mail's text: its text/plain part, else the text of its HTML part."""
    body = None
    if isinstance(message, EmailMessage):
        try:
            body = message.get_body(preferencelist=("plain", "html"))
        except Exception:  # noqa: BLE001
            body = None
    if body is None and not message.is_multipart():
        body = message
    if body is None:
        return ""
    text = _part_text(body)
    if body.get_content_type() == "text/html":
        parser = _TextOfHtml()
        parser.feed(text)
        text = parser.text()
    return text.replace("\r\n", "\n").strip()


def read_mail(raw: bytes) -> ReadMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    shown = raw[:MAX_SHOWN_RAW].decode("utf-8", "replace")
    body = body_text(message)
    answer, note = _reply_reader(raw) if _reply_reader else ("", "")
    return ReadMail(sender=_header(message, "From"), to=_header(message, "To"),
                    subject=_header(message, "Subject"), date=_header(message, "Date"),
                    body=body, raw=shown, raw_truncated=len(raw) > MAX_SHOWN_RAW,
                    answer=answer or body, answer_note=note if answer else "")


def held_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Inbox).where(
        Inbox.channel == "email", Inbox.status == "held")).one())


def held_per_assignment(session: Session, round_id: int) -> dict[int, int]:
    """Held mail that names an assignment of the round (a token, but a stranger's From)."""
    rows = session.exec(
        select(Inbox.assignment_id, func.count())
        .join(Assignment, col(Assignment.id) == col(Inbox.assignment_id))
        .where(Inbox.status == "held", Assignment.round_id == round_id)
        .group_by(col(Inbox.assignment_id)))
    return {assignment_id: count for assignment_id, count in rows if assignment_id}


def list_mail(session: Session, status: str | None = None) -> list[dict[str, Any]]:
    """The held, auto-reply and bounce mail, newest first, with subject read from the raw."""
    statuses = (status,) if status in SHOWN_STATUSES else SHOWN_STATUSES
    rows = session.exec(select(Inbox).where(Inbox.channel == "email",
                                            col(Inbox.status).in_(statuses))
                        .order_by(col(Inbox.received_at).desc(), col(Inbox.id).desc()))
    out = []
    for row in rows:
        message = email.message_from_bytes(row.raw[:MAX_SHOWN_RAW],
                                           policy=email.policy.default)
        out.append({"id": row.id, "status": row.status, "received_at": row.received_at,
                    "sender": _header(message, "From") or row.sender or row.envelope_from or "",
                    "subject": _header(message, "Subject"), "note": row.note,
                    "assignment_id": row.assignment_id})
    return out


def assignable(session: Session) -> list[dict[str, Any]]:
    """Every assignment of an open round that can still take an answer, with its questions."""
    rows = session.exec(
        select(Assignment, Committee, Round)
        .join(Committee, col(Committee.id) == col(Assignment.committee_id))
        .join(Round, col(Round.id) == col(Assignment.round_id))
        .where(col(Round.closed_at).is_(None), col(Assignment.status).not_in(DONE_STATUSES)))
    ordered = sorted(rows, key=lambda found: (-found[2].id, committee_order(found[1].kind,
                                                                            found[1].name)))
    return [{"id": a.id, "label": f"{c.name} ({r.period})"} for a, c, r in ordered]


def _held(session: Session, inbox_id: int) -> Inbox:
    row = session.get(Inbox, inbox_id)
    if row is None or row.channel != "email":
        raise ReviewError(f"no mail {inbox_id}")
    if row.status != "held":
        raise ReviewError(f"mail {inbox_id} is not held (it is {row.status}); "
                          "only held mail can be assigned or discarded")
    return row


def assign_mail(session: Session, inbox_id: int, assignment_id: int, question: str, text: str,
                actor: str, now: datetime) -> int:
    """Take held mail as the answer to a question: a revision by e-mail from this mail.

    The answer goes through the conversation engine, as the assignment's contact, so the
    contact gets what a reply of their own would have brought (the receipt, the next question).
    Returns the question's number.
    """
    row = _held(session, inbox_id)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise ReviewError("choose the committee whose answer this is")
    if assignment.status in DONE_STATUSES:
        raise ReviewError("the report is already submitted; reopen it by returning a question "
                          "for revision first")
    conv = Conversation(session, assignment, now)
    found = conv.find(question)
    if found is None:
        raise ReviewError(f"question {question!r} is not in {conv.committee.name}'s form "
                          f"(1-{len(conv.questions)})")
    if not text.strip():
        raise ReviewError("the answer is empty; keep the text of the mail that answers")
    try:
        parse(found, text.strip())
    except Misfit as misfit:
        # Refused here, before anything changes: a coordinator sees why, the contact nothing.
        raise ReviewError(f"the text does not fit question {conv.number(found.id)}, a "
                          f"{found.kind} question ({misfit.reason}): edit it to fit, e.g. "
                          "an option's label") from None
    event = Event("answer", channel="email", text=text, question=found.id, inbox_id=row.id,
                  contact_id=assignment.contact_id)
    handle_event(session, assignment, event, now)
    number = conv.number(found.id)
    row.status, row.processed_at = "processed", now
    row.assignment_id, row.contact_id = assignment.id, assignment.contact_id
    row.note = f"assigned by {actor} to question {number}"
    session.add(row)
    log_action(session, actor, "mail_assigned", assignment, now, inbox_id=row.id,
               question=number)
    return number


def discard_mail(session: Session, inbox_id: int, actor: str, now: datetime) -> None:
    row = _held(session, inbox_id)
    row.status, row.processed_at = "discarded", now
    row.note = f"discarded by {actor}" + (f" ({row.note})" if row.note else "")
    session.add(row)
    assignment = session.get(Assignment, row.assignment_id) if row.assignment_id else None
    log_action(session, actor, "mail_discarded", assignment, now, inbox_id=row.id)
