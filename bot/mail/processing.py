"""The inbox processor for e-mail: one stored raw mail in, one conversation event (or none) out.

Runs inside the inbox row's transaction (intake.messaging.inbox.process_one), so the answer,
the row's status and the outgoing mails it causes commit together or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.mail.automatic import classify
from bot.mail.outbound import render_mail, token_from_address
from bot.mail.parsing import IncomingMail, parse_mail
from bot.mail.replies import Extraction, extract_reply
from bot.mail.unattended import handle_auto_reply, handle_bounce
from bot.mail.whole_form import WHOLE_FORM, answer_whole_form, send_whole_form
from intake.conversation.engine import Conversation, Event, handle_event
from intake.messaging.inbox import Processor
from intake.messaging.outbox import Delivery, enqueue
from intake.messaging.tokens import SECRET_FIELDS, find_token, token_of_sent_mail
from storage.models import Answer, Assignment, Contact, Inbox, Outbox, Token

# Mails sent before tokens were hashed carried "q.<token>@" in their Message-ID.
_TOKEN_IN_ID = re.compile(r"[.<]q\.([A-Za-z0-9_-]{8,64})@")
# Whole replies that work as the chat buttons do (compared case- and punctuation-free).
KEYWORDS = {
    "ej aktuellt": "not_applicable", "inte aktuellt": "not_applicable",
    "not applicable": "not_applicable",
    "samma som förra perioden": "same_as_last", "same as last period": "same_as_last",
    "skicka": "confirm_submit", "skicka in": "confirm_submit", "submit": "confirm_submit",
}
# Asking for every question in one mail: "HELA FORMULÄRET", "Hela formuläret, tack!" ...
_WHOLE_FORM_ASK = re.compile(
    r"(?:(?:skicka|send)(?: mig| me)? )?(?:hela formuläret|(?:the )?whole form)"
    r"(?: (?:tack|please|thanks))?")


@dataclass(frozen=True)
class Routed:
    """Where a reply belongs: the token it answers and who sent it."""

    token: Token
    assignment: Assignment
    sender: Contact
    token_text: str | None = None  # as the reply named it; None when found by its thread


def make_processor() -> Processor:
    return process_mail


def process_mail(session: Session, row: Inbox, now: datetime) -> None:
    """Apply one stored mail: auto-replies and bounces are noted, replies become answers."""
    mail = parse_mail(row.raw)
    classification = classify(mail, row.envelope_from)
    kind = classification.kind
    token, token_text = _find_token(session, row, mail, now)
    if token is not None:
        row.assignment_id = token.assignment_id
    if kind == "bounce":
        handle_bounce(session, row, classification, token, now)
        return
    if kind == "auto_reply":
        handle_auto_reply(session, row, mail, token, now)
        return
    if token is None:
        _hold(row, "no reply token in the recipient or the thread")
        return
    routed = _route(session, token, mail, token_text)
    if routed is None:
        _hold(row, f"sender {mail.from_address or '(none)'} is not a contact of the committee")
        return
    row.contact_id = routed.sender.id
    _answer(session, row, mail, routed, now)


def _hold(row: Inbox, note: str) -> None:
    # Held for the coordinator; nothing is recorded and nobody is answered.
    row.status, row.note = "held", note


def _find_token(session: Session, row: Inbox, mail: IncomingMail,
                now: datetime | None = None) -> tuple[Token | None, str | None]:
    """The token of the envelope recipient, else the one of the mail In-Reply-To/References
    name; with its text when the reply carried it. With `now`, an expired token is none."""
    candidates = [token_from_address(row.envelope_to or "", prefix)
                  for prefix in ("svar", "bounce")]
    thread = [mail.in_reply_to or "", *reversed(mail.references)]
    for message_id in thread:
        candidates += _TOKEN_IN_ID.findall(message_id)
    for text in candidates:
        token = find_token(session, text, "reply", now) if text else None
        if token is not None and token.assignment_id is not None:
            return token, text
    for message_id in thread:
        token = token_of_sent_mail(session, message_id.strip(), now)
        if token is not None and token.assignment_id is not None:
            return token, None
    return None, None


def _route(session: Session, token: Token, mail: IncomingMail,
           token_text: str | None = None) -> Routed | None:
    """The person is checked by From: the token's contact or another of the same committee."""
    assignment = session.get_one(Assignment, token.assignment_id)
    sender_address = (mail.from_address or "").strip().lower()
    if not sender_address:
        return None
    owner = session.get(Contact, token.contact_id) if token.contact_id else None
    if owner is not None and owner.email.lower() == sender_address:
        return Routed(token, assignment, owner, token_text)
    deputy = session.exec(select(Contact).where(
        Contact.committee_id == assignment.committee_id, Contact.email == sender_address,
        col(Contact.active).is_(True))).first()
    return Routed(token, assignment, deputy, token_text) if deputy else None


def sent_texts(session: Session, token: Token, token_text: str | None = None) -> list[str]:
    """The bot's own mail that carried this token, rendered again, and the token itself.

    The stored copy holds a placeholder where the token was; the reply quotes the real one,
    so the placeholder is put back before the texts are compared.
    """
    outbox_row = session.exec(select(Outbox).where(
        Outbox.reply_token_hash == token.token_hash, Outbox.channel == "email")).first()
    markers = [token_text] if token_text else []
    if outbox_row is None:
        return markers
    _, text, _ = render_mail(_as_delivery(outbox_row))
    if token_text:
        text = text.replace(SECRET_FIELDS["reply_token"], token_text)
    return [text, *markers]


def _as_delivery(row: Outbox) -> Delivery:
    return Delivery(
        id=row.id or 0, channel=row.channel, recipient=row.recipient, kind=row.kind,
        template=row.template, language=row.language, data=dict(row.data),
        question_number=row.question_number, assignment_id=row.assignment_id,
        contact_id=row.contact_id)


def keyword_of(text: str) -> str | None:
    """The event a whole reply like "Ej aktuellt." or "SKICKA" stands for, if it is one."""
    plain = re.sub(r"[\s.!\"'”]+", " ", text).strip().casefold()
    if _WHOLE_FORM_ASK.fullmatch(re.sub(r"[\s,]+", " ", plain).strip()):
        return "whole_form"
    return KEYWORDS.get(plain)


def _answer(session: Session, row: Inbox, mail: IncomingMail, routed: Routed,
            now: datetime) -> None:
    sent = sent_texts(session, routed.token, routed.token_text)
    if routed.token.question_id == WHOLE_FORM:
        own = sent[0] if sent and sent[0] != routed.token_text else ""
        note = answer_whole_form(session, routed, mail, own, row.id, now)
        if note is None:
            _ask_again(session, row, routed, now)  # only the quote: once, as for one question
        else:
            row.note = note
        return
    extraction = extract_reply(mail, sent)
    question = routed.token.question_id
    base = {"channel": "email", "inbox_id": row.id, "contact_id": routed.sender.id}
    if not extraction.text.strip():
        _ask_again(session, row, routed, now)
        return
    keyword = keyword_of(extraction.text)
    if keyword == "whole_form":
        send_whole_form(session, routed, now)
        row.note = "whole form asked for"
        return
    if keyword == "confirm_submit":
        event = Event("confirm_submit", **base)
    elif keyword is not None:
        event = Event(keyword, question=question, **base)
    else:
        event = Event("answer", text=extraction.text, question=question, **base)
    came_from = routed.assignment.channel
    replies = handle_event(session, routed.assignment, event, now)
    row.note = f"{event.kind}: {extraction.reason}"
    if event.kind == "answer" and question is not None:
        _flag(session, routed.assignment, question, extraction)
    if came_from not in (None, "email") and not any(
            r.kind in ("question", "summary") for r in replies):
        # Back from another channel: the question they stand on was asked there, so the
        # contact has no mail to reply to for it; ask it again here.
        handle_event(session, routed.assignment, Event("start", **base), now)


def _flag(session: Session, assignment: Assignment, question_id: str,
          extraction: Extraction) -> None:
    """An answer the extractor was unsure of is kept and flagged, never silently guessed."""
    answer = session.exec(select(Answer).where(
        Answer.assignment_id == assignment.id, Answer.question_id == question_id)).first()
    if answer is None:
        return
    answer.flagged = not extraction.confident
    answer.flag_reason = None if extraction.confident else f"mail: {extraction.reason}"
    session.add(answer)


def _ask_again(session: Session, row: Inbox, routed: Routed, now: datetime) -> None:
    """A reply with only the quote: one friendly mail per question mail, never a loop."""
    row.note = "no new text above the quote"
    assignment, question_id = routed.assignment, routed.token.question_id
    conv = Conversation(session, assignment, now)
    question = conv.find(question_id)
    extra = {"number": conv.number(question.id), "question_id": question.id} if question else {}
    enqueue(session, channel="email", contact=routed.sender, kind="notice",
            template="empty_answer", data=conv.base_data() | extra, now=now,
            assignment=assignment, question_id=question_id,
            dedupe_key=f"empty_answer:{routed.token.id}")
