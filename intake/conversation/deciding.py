"""The one decision for every incoming message: who it is from, what it answers, what follows.

A channel's adapter (bot/) has read the raw message into an `Incoming`; this decides, in the
inbox row's transaction: automatic mail (a bounce, an out-of-office reply) changes state only
on its contact's live token; a message without a token or from a stranger is held for a
coordinator; a closed round takes no answers (the sender is told so); otherwise the
conversation engine applies it and its replies go to the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from intake.clock import from_db
from intake.conversation.automatic import apply_auto_reply, apply_bounce
from intake.conversation.engine import Conversation, Event, handle_event
from intake.conversation.keywords import keyword_of
from intake.conversation.whole_form import WHOLE_FORM, answer_whole_form, send_whole_form
from intake.messaging.incoming import Incoming
from intake.messaging.outbox import enqueue
from intake.messaging.tokens import find_token, token_of_sent_mail
from intake.people.deputies import who_answers
from storage.models import Answer, Assignment, Contact, Inbox, Round, Token


@dataclass(frozen=True)
class Routed:
    """Where a reply belongs: the token it answers and who sent it."""

    token: Token
    assignment: Assignment
    sender: Contact


def find_reply_token(session: Session, texts: Iterable[str], now: datetime,
                     message_ids: Iterable[str] = ()) -> tuple[Token | None, str | None]:
    """(our live reply token for an assignment, its text as the message named it).

    First the texts (the recipient address, then old Message-IDs that carried one), then the
    mails we sent with these Message-IDs (In-Reply-To, References): found that way, the text
    is None, for only its hash is kept. Remembered for the session: the adapter and the
    decision look the same token up. An expired token (a hand-over expires the earlier
    contact's) is no token.
    """
    known: dict[str, Token | None] = session.info.setdefault("reply_tokens", {})
    for text in texts:
        if text and text not in known:
            known[text] = find_token(session, text, "reply")
        token = known.get(text) if text else None
        if _usable(token, now):
            return token, text
    sent: dict[str, Token | None] = session.info.setdefault("sent_mail_tokens", {})
    for message_id in message_ids:
        if message_id and message_id not in sent:
            sent[message_id] = token_of_sent_mail(session, message_id)
        token = sent.get(message_id) if message_id else None
        if _usable(token, now):
            return token, None
    return None, None


def _usable(token: Token | None, now: datetime) -> bool:
    if token is None or token.assignment_id is None:
        return False
    expires = from_db(token.expires_at)
    return expires is None or expires > now


def round_is_closed(round_: Round, now: datetime) -> bool:
    closed = from_db(round_.closed_at)
    return closed is not None and closed <= now


def decide_incoming(session: Session, row: Inbox, incoming: Incoming, now: datetime) -> None:
    """Apply one message read by its channel's adapter; sets the row's status and note."""
    row.reading = incoming.reading()
    token, _ = find_reply_token(session, incoming.tokens, now, incoming.thread_ids)
    if token is not None:
        row.assignment_id = token.assignment_id
    if incoming.automatic == "bounce":
        apply_bounce(session, row, incoming, token, now)
        return
    if incoming.automatic == "auto_reply":
        apply_auto_reply(session, row, incoming, token, now)
        return
    if token is None:
        _hold(row, "no reply token in the recipient or the thread")
        return
    if incoming.sender is None:
        _hold(row, f"sender unclear: {incoming.sender_problem or 'no From address'}")
        return
    assignment = session.get_one(Assignment, token.assignment_id)
    sender = who_answers(session, assignment.committee_id, token.contact_id, incoming.sender)
    if sender is None:
        _hold(row, f"sender {incoming.sender} is not a contact of the committee")
        return
    row.contact_id = sender.id
    routed = Routed(token, assignment, sender)
    if round_is_closed(session.get_one(Round, assignment.round_id), now):
        _tell_closed(session, row, routed, now)
        return
    _answer(session, row, incoming, routed, now)


def _hold(row: Inbox, note: str) -> None:
    # Held for the coordinator; nothing is recorded and nobody is answered.
    row.status, row.note = "held", note


def _tell_closed(session: Session, row: Inbox, routed: Routed, now: datetime) -> None:
    """A reply to a closed round: nothing is stored; the sender hears it once per mail."""
    row.status, row.note = "rejected", "the round is closed"
    conv = Conversation(session, routed.assignment, now)
    enqueue(session, channel="email", contact=routed.sender, kind="notice",
            template="round_closed", data=conv.base_data(), now=now,
            dedupe_key=f"round_closed:{routed.token.id}")


def _answer(session: Session, row: Inbox, incoming: Incoming, routed: Routed,
            now: datetime) -> None:
    base = {"channel": incoming.channel, "inbox_id": row.id, "contact_id": routed.sender.id}
    question = routed.token.question_id
    if question == WHOLE_FORM:
        note = answer_whole_form(session, routed.assignment, routed.sender, incoming, row.id,
                                 now)
        if note is None:
            _ask_again(session, row, routed, now)  # only the quote: once, as for one question
        else:
            row.note = note
        return
    if not incoming.text.strip():
        _ask_again(session, row, routed, now)
        return
    keyword = incoming.keyword if incoming.keyword is not None else keyword_of(incoming.text)
    if keyword == "whole_form":
        send_whole_form(session, routed.assignment, routed.sender, now)
        row.note = "whole form asked for"
        return
    if keyword == "confirm_submit":
        event = Event("confirm_submit", **base)
    elif keyword is not None:
        event = Event(keyword, question=question, **base)
    else:
        event = Event("answer", text=incoming.text, question=question, **base)
    came_from = routed.assignment.channel
    replies = handle_event(session, routed.assignment, event, now)
    row.note = f"{event.kind}: {incoming.cut}"
    if event.kind == "answer" and question is not None:
        flag_unsure(session, routed.assignment, question, incoming)
    if came_from not in (None, incoming.channel) and not any(
            r.kind in ("question", "summary") for r in replies):
        # Back from another channel: the question they stand on was asked there, so the
        # contact has nothing to reply to for it here; ask it again.
        handle_event(session, routed.assignment, Event("start", **base), now)


def flag_unsure(session: Session, assignment: Assignment, question_id: str,
                incoming: Incoming) -> None:
    """An answer the reader was unsure of is kept and flagged, never silently guessed."""
    answer = session.exec(select(Answer).where(
        Answer.assignment_id == assignment.id, Answer.question_id == question_id)).first()
    if answer is None:
        return
    answer.flagged = not incoming.confident
    answer.flag_reason = None if incoming.confident else f"mail: {incoming.cut}"
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
