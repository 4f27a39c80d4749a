"""A coordinator's decisions on one assignment: return for revision, approve, resend.

Plain functions over the caller's session; each writes an ActionLog row with who and when,
and any message goes to the outbox in the same transaction as the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from intake.conversation.engine import Conversation, invitation
from intake.messaging.outbox import enqueue
from intake.messaging.tokens import issue_token
from intake.rounds.opening import schedule_next_reminder, working_channel
from storage.models import ActionLog, Assignment, Contact, Outbox, Round

RETURNABLE = ("in_progress", "submitted", "returned", "approved")


class ReviewError(ValueError):
    """An action that does not fit the assignment's state; one line for the coordinator."""


def _assignment(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise ReviewError(f"no assignment {assignment_id}")
    return assignment


def log_action(session: Session, actor: str, action: str, assignment: Assignment | None,
               now: datetime, **detail: Any) -> None:
    session.add(ActionLog(at=now, actor=actor, action=action,
                          assignment_id=assignment.id if assignment else None, detail=detail))


def contact_channel(assignment: Assignment, contact: Contact) -> str:
    """Where the contact last answered when it still reaches them, else their working channel."""
    usable = working_channel(contact)
    if assignment.channel == "email" or usable == "email":
        return "email"
    return usable


def return_for_revision(session: Session, assignment_id: int, comments: dict[str, str],
                        actor: str, now: datetime) -> Outbox | None:
    """Flag questions with a comment each, re-open the assignment, ask the first flagged one."""
    assignment = _assignment(session, assignment_id)
    if assignment.status not in RETURNABLE:
        raise ReviewError("nothing has been answered yet, so nothing can be returned")
    conv = Conversation(session, assignment, now)
    flagged = [q for q in conv.questions if q.id in comments]
    if not flagged or len(flagged) != len(comments):
        raise ReviewError("choose at least one of this committee's questions to return")
    for question in flagged:
        answer = conv.answers.get(question.id)
        comment = comments[question.id].strip()
        if answer is None or answer.state == "skipped":
            raise ReviewError(f"question {conv.number(question.id)} has no answer to return")
        if not comment:
            raise ReviewError(f"write a comment for question {conv.number(question.id)}")
        answer.needs_revision, answer.coordinator_comment = True, comment
        answer.updated_at = now
        session.add(answer)
    first = flagged[0]
    assignment.status, assignment.returned_at, assignment.approved_at = "returned", now, None
    assignment.cursor, assignment.cursor_fresh, assignment.confirm_pending = first.id, True, False
    schedule_next_reminder(session, assignment, session.get_one(Round, assignment.round_id), now)
    session.flush()
    reply = conv.question_reply(first)
    row = enqueue(session, channel=contact_channel(assignment, conv.contact), contact=conv.contact,
                  kind=reply.kind, template=reply.template, data=reply.data, now=now,
                  assignment=assignment, question_id=reply.question_id,
                  question_number=reply.question_number)
    log_action(session, actor, "returned", assignment, now,
               questions=[conv.number(q.id) for q in flagged],
               comments={q.id: comments[q.id].strip() for q in flagged})
    return row


def approve(session: Session, assignment_id: int, actor: str, now: datetime) -> None:
    """Accept a submitted report: no more reminders, nothing further is asked."""
    assignment = _assignment(session, assignment_id)
    if assignment.status != "submitted":
        raise ReviewError("only a submitted report can be approved")
    assignment.status, assignment.approved_at = "approved", now
    assignment.next_reminder_at, assignment.next_reminder_step = None, None
    session.add(assignment)
    log_action(session, actor, "approved", assignment, now)


def resend_invitation(session: Session, assignment_id: int, actor: str, now: datetime,
                      telegram_enabled: bool = False) -> Outbox | None:
    """The invitation again, with the first open question, to the assignment's contact."""
    assignment = _assignment(session, assignment_id)
    if assignment.status in ("submitted", "approved"):
        raise ReviewError("the report is already submitted; there is nothing to ask")
    contact = session.get_one(Contact, assignment.contact_id)
    reply = invitation(session, assignment, now)
    channel = working_channel(contact)
    data: dict[str, Any] = dict(reply.data)
    if channel == "email" and telegram_enabled:
        data["telegram_start_token"] = issue_token(
            session, "telegram_link", now, assignment_id=assignment.id,
            contact_id=contact.id).token
    session.add(assignment)
    # No dedupe key: a coordinator asking twice means twice (the first may have gone astray).
    row = enqueue(session, channel=channel, contact=contact, kind="question", template="question",
                  data=data, now=now, assignment=assignment, question_id=reply.question_id,
                  question_number=reply.question_number)
    log_action(session, actor, "invitation_resent", assignment, now, channel=channel,
               to=contact.email)
    return row
