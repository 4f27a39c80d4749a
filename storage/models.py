"""The tables: what intake keeps, one class a table, times stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utcnow() -> datetime:
    # Only a fallback for rows made outside the domain; the domain passes its clock's time.
    return datetime.now(UTC)



class FormSnapshot(SQLModel, table=True):
    """A form exactly as it was when a round opened: later edits of the file never change it."""

    __tablename__ = "form_snapshot"
    __table_args__ = (UniqueConstraint("form_id", "checksum"),)

    id: int | None = Field(default=None, primary_key=True)
    form_id: str = Field(index=True)
    version: int = 1
    checksum: str
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_utcnow, sa_type=DateTime(timezone=True))


class Committee(SQLModel, table=True):
    """A committee (nämnd) or company board; valid dates because they merge and split."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str  # district | specialist | company
    valid_from: date | None = None
    valid_to: date | None = None
    created_at: datetime = Field(default_factory=_utcnow, sa_type=DateTime(timezone=True))


class Contact(SQLModel, table=True):
    """A person who answers for a committee: its main contact or a deputy."""

    __table_args__ = (UniqueConstraint("committee_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    name: str
    email: str = Field(index=True)  # stored lower-case
    phone: str = ""
    role: str = "main"  # main | deputy
    language: str = "sv"  # sv | en
    active: bool = True
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_blocked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    email_failing_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    email_failure: str | None = None
    away_until: date | None = None
    created_at: datetime = Field(default_factory=_utcnow, sa_type=DateTime(timezone=True))


class Round(SQLModel, table=True):
    """One period's collection of one form: e.g. "2022 VB" of the näringsliv form."""

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(unique=True)
    form_snapshot_id: int = Field(foreign_key="form_snapshot.id")
    deadline: datetime = Field(sa_type=DateTime(timezone=True))
    reminder_ladder: list[int] = Field(sa_column=Column(JSON, nullable=False))
    reminder_time: str = "09:00"
    opened_at: datetime = Field(sa_type=DateTime(timezone=True))
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Assignment(SQLModel, table=True):
    """One committee's response in one round, and where its conversation stands."""

    __table_args__ = (
        UniqueConstraint("round_id", "committee_id"),
        Index("ix_assignment_reminder_due", "next_reminder_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    status: str = Field(default="not_started", index=True)
    # The question the conversation stands on, and whether the next text starts a new revision.
    cursor: str | None = None
    cursor_fresh: bool = True
    confirm_pending: bool = False
    channel: str | None = None  # email | telegram: where the contact last answered
    last_activity: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    approved_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    returned_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    reminders_sent: int = 0
    next_reminder_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    next_reminder_step: int | None = None


class Answer(SQLModel, table=True):
    """The current answer to one question of one assignment; its texts are revisions."""

    __table_args__ = (UniqueConstraint("assignment_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    question_id: str
    state: str = "answered"  # answered | not_applicable | skipped
    current_revision_id: int | None = None
    flagged: bool = False  # the coordinator should look: e.g. the mail reader was unsure
    flag_reason: str | None = None
    needs_revision: bool = False  # returned by the coordinator
    coordinator_comment: str | None = None
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))


class AnswerRevision(SQLModel, table=True):
    """One version of an answer's text; earlier versions stay when it is replaced."""

    __tablename__ = "answer_revision"
    __table_args__ = (UniqueConstraint("answer_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="answer.id", index=True)
    number: int
    text: str = ""
    kind: str = "text"  # text | not_applicable | same_as_last | skipped
    # A typed question's answer as data: option id, number, true/false or "YYYY-MM-DD".
    value: Any = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    channel: str | None = None
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    inbox_id: int | None = Field(default=None, foreign_key="inbox.id")
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=DateTime(timezone=True))


class Fragment(SQLModel, table=True):
    """One message that is part of an answer revision (people write in bursts)."""

    __table_args__ = (UniqueConstraint("revision_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="answer_revision.id", index=True)
    position: int
    text: str
    source_ref: str | None = Field(default=None, index=True)  # e.g. tg:<chat>:<message_id>
    inbox_id: int | None = Field(default=None, foreign_key="inbox.id")
    created_at: datetime = Field(sa_type=DateTime(timezone=True))


class Inbox(SQLModel, table=True):
    """Every inbound update or e-mail, raw, stored before it is acknowledged."""

    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str  # email | telegram
    external_id: str  # Telegram update_id; e-mail Message-ID + recipient
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    envelope_from: str | None = None
    envelope_to: str | None = None
    sender: str | None = Field(default=None, index=True)
    status: str = Field(default="pending", index=True)
    # pending | processed | held | auto_reply | bounce | rejected | failed
    received_at: datetime = Field(sa_type=DateTime(timezone=True))
    processed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    attempts: int = 0
    error: str | None = None
    note: str | None = None
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")


class Outbox(SQLModel, table=True):
    """Every outgoing message, written with the change that caused it, sent by a worker."""

    __table_args__ = (Index("ix_outbox_pending_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str  # email | telegram
    recipient: str  # an e-mail address or a Telegram chat id
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    kind: str  # question | reminder | receipt | summary | notice
    template: str
    language: str = "sv"
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    question_id: str | None = None
    question_number: int | None = None
    dedupe_key: str | None = Field(default=None, unique=True)
    status: str = "pending"  # pending | sending | sent | failed | cancelled
    due_at: datetime = Field(sa_type=DateTime(timezone=True))
    attempts: int = 0
    last_error: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # The Message-ID (set at the first attempt, so a resend keeps it) or Telegram's message id.
    external_id: str | None = Field(default=None, index=True)
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    # The claim's lease: a worker renews it while it lives; an expired lease is taken back.
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # The last attempt failed because the channel was down: sent at once when it is back.
    outage: bool = False
    # The live tokens of a message not yet sent, encrypted with SECRET_KEY; None once sent.
    sealed: str | None = None
    reply_token_hash: str | None = Field(default=None, index=True)  # which reply token it carries


class Token(SQLModel, table=True):
    """An unguessable token: a mail's reply address, a Telegram deep link, a login link."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)  # SHA-256 of the token's text: the text is never kept
    purpose: str  # reply | telegram_link | login
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    coordinator_id: int | None = Field(default=None, foreign_key="coordinator.id")
    question_id: str | None = None
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Coordinator(SQLModel, table=True):
    """A person at the management office who runs rounds from the dashboard."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True)
    name: str = ""
    password_hash: str | None = None
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    # Raised by logout, a new password or removal: every session made before ends at once.
    session_version: int = 0
    created_at: datetime = Field(sa_type=DateTime(timezone=True))


class LoginAttempt(SQLModel, table=True):
    """One password login tried: what the throttle and the lock-out count.

    Both keys are SHA-256 hashes (of the client address and of the e-mail address typed), so
    the table names nobody, and an unknown address is counted exactly like a real one.
    """

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    client_key: str = Field(index=True)
    # None when the account was already locked: those tries must not prolong the lock.
    account_key: str | None = Field(default=None, index=True)
    ok: bool = False


class ActionLog(SQLModel, table=True):
    """Who did what and when: coordinators' actions and notable system events."""

    __tablename__ = "action_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    actor: str  # a coordinator's e-mail, "system" or "cli"
    action: str
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Heartbeat(SQLModel, table=True):
    """A row /healthz writes to prove that the database takes a write, not only a read."""

    name: str = Field(primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True))
