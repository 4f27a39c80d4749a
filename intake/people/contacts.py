"""Who answers for an assignment: chat links, unreachable chats, and handing a form over.

Channel adapters call these; they only read and write stored state, so any worker can.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from intake.clock import from_db
from intake.conversation.engine import Conversation
from intake.messaging.outbox import enqueue
from intake.messaging.tokens import find_token
from intake.rounds.opening import send_invitation
from storage.models import ActionLog, Assignment, Contact, Coordinator, Outbox, Round, Token


@dataclass(frozen=True)
class Linked:
    """A chat user's contact and the assignment they answer now (None: no open round)."""

    contact: Contact
    assignment: Assignment | None


def _open_assignment(session: Session, contact_ids: list[int]) -> Assignment | None:
    # The latest open round wins: a person answers one form at a time.
    return session.exec(
        select(Assignment)
        .join(Round, col(Round.id) == col(Assignment.round_id))
        .where(col(Assignment.contact_id).in_(contact_ids), col(Round.closed_at).is_(None))
        .order_by(col(Round.opened_at).desc(), col(Assignment.id).desc())
    ).first()


def linked_contact(session: Session, telegram_user_id: int) -> Linked | None:
    """The contact linked to this Telegram user, with their open assignment."""
    contacts = list(session.exec(
        select(Contact).where(Contact.telegram_user_id == telegram_user_id, col(Contact.active))
        .order_by(col(Contact.id))))
    if not contacts:
        return None
    assignment = _open_assignment(session, [c.id or 0 for c in contacts])
    if assignment is not None:
        contact = next((c for c in contacts if c.id == assignment.contact_id), contacts[0])
        return Linked(contact, assignment)
    return Linked(contacts[0], None)


def _link_token(session: Session, text: str, now: datetime) -> Token | None:
    """The deep-link token of an open round's assignment still held by its contact, used or
    not; None if unknown, expired, handed over or closed."""
    token = find_token(session, text, "telegram_link")
    if token is None or token.assignment_id is None:
        return None
    expires = from_db(token.expires_at)
    if expires is not None and expires <= now:
        return None
    assignment = session.get(Assignment, token.assignment_id)
    if assignment is None or assignment.contact_id != token.contact_id:
        return None  # the form was handed to someone else since
    round_ = session.get_one(Round, assignment.round_id)
    closed = from_db(round_.closed_at)
    if closed is not None and closed <= now:
        return None
    return token


def link_telegram(session: Session, token_text: str, user_id: int, chat_id: int,
                  now: datetime) -> Linked | None:
    """Use a deep-link token once, for the first account; None if refused.

    The first Telegram account to use the link is bound to its contact; the same account may
    use it again. Another account is refused and the contact is told by mail, because a link
    in a forwarded invitation is not a key to someone else's form.
    """
    token = _link_token(session, token_text, now)
    if token is None or token.contact_id is None:
        return None
    contact = session.get_one(Contact, token.contact_id)
    assignment = session.get_one(Assignment, token.assignment_id)
    if token.used_at is not None or not _claim(session, token, now):
        if contact.telegram_user_id == user_id and contact.active:
            return Linked(contact, assignment)  # the first account, back again
        _tell_contact_of_misuse(session, contact, assignment, token, user_id, now)
        return None
    contact.telegram_user_id, contact.telegram_chat_id = user_id, chat_id
    contact.telegram_blocked_at = None
    session.add(contact)
    session.flush()
    return Linked(contact, assignment)


def _claim(session: Session, token: Token, now: datetime) -> bool:
    """Mark the token used; False when another request got there first (two workers)."""
    used = session.exec(  # type: ignore[call-overload]
        update(Token).where(col(Token.id) == token.id, col(Token.used_at).is_(None))
        .values(used_at=now).returning(col(Token.id))).first()
    session.refresh(token)
    return used is not None


def _tell_contact_of_misuse(session: Session, contact: Contact, assignment: Assignment,
                            token: Token, user_id: int, now: datetime) -> None:
    session.add(ActionLog(at=now, actor="system", action="telegram_link_refused",
                          assignment_id=assignment.id,
                          detail={"contact": contact.email, "telegram_user_id": user_id}))
    if not contact.active:
        return
    data = Conversation(session, assignment, now).base_data() | {"contact_name": contact.name}
    # No assignment on the row: this notice must carry no reply token of its own.
    enqueue(session, channel="email", contact=contact, kind="notice",
            template="telegram_link_refused", data=data, now=now,
            dedupe_key=f"link-refused:{token.id}:{user_id}")


def set_telegram_reachable(session: Session, chat_id: int, now: datetime,
                           reachable: bool) -> int:
    """Mark every contact in this chat (un)reachable; returns how many changed."""
    contacts = session.exec(select(Contact).where(Contact.telegram_chat_id == chat_id))
    changed = 0
    for contact in contacts:
        if reachable == (contact.telegram_blocked_at is None):
            continue
        contact.telegram_blocked_at = None if reachable else now
        session.add(contact)
        changed += 1
    session.flush()
    return changed


def reroute_to_email(session: Session, row: Outbox, now: datetime) -> Outbox | None:
    """A chat message that cannot be delivered: mark the chat unreachable, send it by e-mail."""
    if row.contact_id is None:
        return None  # a notice to a stranger: there is no address to fall back on
    contact = session.get_one(Contact, row.contact_id)
    if contact.telegram_blocked_at is None:
        contact.telegram_blocked_at = now
        session.add(contact)
    assignment = session.get(Assignment, row.assignment_id) if row.assignment_id else None
    if assignment is not None and assignment.channel == "telegram":
        assignment.channel = "email"  # the status shows where the contact can be reached
        session.add(assignment)
    return enqueue(session, channel="email", contact=contact, kind=row.kind,
                   template=row.template, data=dict(row.data), now=now, assignment=assignment,
                   question_id=row.question_id, question_number=row.question_number)


def delegate(session: Session, assignment: Assignment, email: str, now: datetime,
             telegram_enabled: bool = True) -> Contact:
    """Hand the assignment to a colleague: they get an invitation that keeps the answers.

    Asked for from the chat, so possibly by someone who should not: the colleague answers
    this assignment only (role "delegate", never a standing deputy until a coordinator makes
    them one), and the original contact and the coordinators are told by mail.
    """
    email = email.strip().lower()
    previous = session.get_one(Contact, assignment.contact_id)
    colleague = session.exec(select(Contact).where(
        Contact.committee_id == assignment.committee_id, Contact.email == email)).first()
    if colleague is None:
        colleague = Contact(committee_id=assignment.committee_id, name=email.split("@")[0],
                            email=email, role="delegate", language=previous.language,
                            created_at=now)
        session.add(colleague)
        session.flush()
    elif not colleague.active:
        colleague.role = "delegate"  # a coordinator took them off; the chat cannot restore it
    colleague.active = True
    assignment.contact_id = colleague.id or 0
    assignment.confirm_pending = False
    end_link_tokens(session, assignment, now)
    session.add_all([assignment, colleague])
    session.add(ActionLog(at=now, actor=previous.email, action="delegated",
                          assignment_id=assignment.id,
                          detail={"from": previous.email, "to": colleague.email}))
    session.flush()
    _tell_of_delegation(session, assignment, previous, colleague, now)
    send_invitation(session, assignment, colleague, now, telegram_enabled)
    return colleague


def _tell_of_delegation(session: Session, assignment: Assignment, previous: Contact,
                        colleague: Contact, now: datetime) -> None:
    data = Conversation(session, assignment, now).base_data() | {
        "contact_name": previous.name, "contact_email": previous.email,
        "colleague": colleague.email}
    key = f"delegated:{assignment.id}:{colleague.id}:{now.isoformat()}"
    if previous.active and "@" in previous.email:
        # By mail, not in the chat: whoever sent /delegate may not be the contact.
        enqueue(session, channel="email", contact=previous, kind="notice",
                template="delegated_from_chat", data=data, now=now, dedupe_key=key)
    for coordinator in session.exec(select(Coordinator)):
        session.add(Outbox(
            channel="email", recipient=coordinator.email, kind="notice",
            template="coordinator_delegated", language="sv", data=data, due_at=now,
            created_at=now, dedupe_key=f"{key}:{coordinator.id}"))


def end_link_tokens(session: Session, assignment: Assignment, now: datetime) -> None:
    """A hand-over: the earlier contact's deep links and reply addresses stop working."""
    # Unused deep links of the earlier contact must not reopen the form for them.
    for token in session.exec(select(Token).where(
            Token.assignment_id == assignment.id, Token.purpose == "telegram_link",
            col(Token.used_at).is_(None))):
        token.used_at = now
        session.add(token)
    # Their reply tokens expire now: a reply to an old question mail is no longer an answer.
    session.exec(update(Token).where(  # type: ignore[call-overload]
        col(Token.assignment_id) == assignment.id, col(Token.purpose) == "reply",
        col(Token.contact_id) != assignment.contact_id,
        or_(col(Token.expires_at).is_(None), col(Token.expires_at) > now))
        .values(expires_at=now))
