"""Coordinators in a chat: linking their Telegram by a one-time deep link, and a push to every
linked coordinator when a committee submits (the /overview numbers are intake.rounds.status').

Channel-free like the rest of intake/: the push is an outbox row written in the submit's own
transaction, and `bot/` decides how it reaches the chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from intake.messaging.tokens import find_live_token, issue_token
from storage.models import ActionLog, Assignment, Committee, Coordinator, Outbox, Round, Token

PURPOSE = "coordinator_link"
LINK_LIFETIME = timedelta(hours=1)


def issue_link_token(session: Session, coordinator: Coordinator, now: datetime) -> str:
    """A fresh one-time token for `https://t.me/<bot>?start=<token>`; earlier ones stop working."""
    for old in session.exec(select(Token).where(
            Token.coordinator_id == coordinator.id, Token.purpose == PURPOSE,
            col(Token.used_at).is_(None))):
        old.used_at = now  # only the newest link on the page is live
        session.add(old)
    return issue_token(session, PURPOSE, now, coordinator_id=coordinator.id,
                       expires_at=now + LINK_LIFETIME).token


def link_coordinator(session: Session, token_text: str, user_id: int, chat_id: int,
                     now: datetime) -> Coordinator | None:
    """Use a coordinator's link token once: their account now knows this Telegram chat."""
    token = find_live_token(session, token_text, PURPOSE, now)
    if token is None or token.coordinator_id is None:
        return None
    coordinator = session.get(Coordinator, token.coordinator_id)
    if coordinator is None:
        return None
    token.used_at = now
    # One Telegram user is one coordinator: a second account linking it takes it over.
    for other in session.exec(select(Coordinator).where(
            Coordinator.telegram_user_id == user_id, Coordinator.id != coordinator.id)):
        other.telegram_user_id = other.telegram_chat_id = None
        session.add(other)
    coordinator.telegram_user_id, coordinator.telegram_chat_id = user_id, chat_id
    session.add_all([token, coordinator])
    session.add(ActionLog(at=now, actor=coordinator.email, action="coordinator_telegram_linked",
                          detail={"telegram_user_id": user_id}))
    session.flush()
    return coordinator


def unlink_coordinator(session: Session, coordinator: Coordinator, now: datetime) -> None:
    coordinator.telegram_user_id = coordinator.telegram_chat_id = None
    session.add(coordinator)
    session.add(ActionLog(at=now, actor=coordinator.email,
                          action="coordinator_telegram_unlinked", detail={}))


def linked_coordinator(session: Session, user_id: int) -> Coordinator | None:
    return session.exec(select(Coordinator).where(
        Coordinator.telegram_user_id == user_id)).first()


def notify_submitted(session: Session, assignment: Assignment, now: datetime) -> int:
    """A chat message to every linked coordinator: this committee has just submitted.

    Called inside the submit's transaction, so the push exists exactly when the submit does.
    Returns how many were queued.
    """
    coordinators = list(session.exec(select(Coordinator).where(
        col(Coordinator.telegram_chat_id).is_not(None)).order_by(col(Coordinator.id))))
    if not coordinators:
        return 0
    committee = session.get_one(Committee, assignment.committee_id)
    round_ = session.get_one(Round, assignment.round_id)
    counts = _status_counts(session, round_)
    data = {
        "committee": committee.name, "period": round_.period,
        "submitted": counts.get("submitted", 0), "approved": counts.get("approved", 0),
        "committees": sum(counts.values()),
    }
    for coordinator in coordinators:
        # No contact and no assignment on the row: it is not part of the committee's own
        # conversation (its message log, its mail thread, its channel switch on a block).
        session.add(Outbox(channel="telegram", recipient=str(coordinator.telegram_chat_id),
                           kind="notice", template="coordinator_submitted", language="sv",
                           data=data, due_at=now, created_at=now))
    session.flush()
    return len(coordinators)


def _status_counts(session: Session, round_: Round) -> dict[str, int]:
    """How many of the round's assignments are in each status (the overview's counts).

    Counted here, not through intake.rounds.status: the conversation calls this on a submit,
    and rounds import the conversation (a round opens with its first question).
    """
    return dict(session.exec(
        select(Assignment.status, func.count()).where(Assignment.round_id == round_.id)
        .group_by(col(Assignment.status))).all())
