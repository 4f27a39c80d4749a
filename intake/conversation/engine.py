"""The conversation engine: one event on one assignment in, new state and messages out.

Channel-free: a channel adapter turns a chat message or an e-mail into an `Event`, calls
`handle_event` inside the transaction that marks its inbox row processed, and the replies
land in the outbox in that same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from intake.clock import iso
from intake.conversation.answers import Misfit, Parsed, answer_hint, fits, parse, refusal
from intake.forms import Form, Question
from intake.messaging.outbox import enqueue
from intake.people.coordinator_chat import notify_submitted
from intake.xml_safe import xml_safe
from storage.models import (
    Answer,
    AnswerRevision,
    Assignment,
    Committee,
    Contact,
    FormSnapshot,
    Fragment,
    Round,
)

EVENT_KINDS = (
    "start", "text", "answer", "edit_fragment", "next", "back", "skip", "not_applicable",
    "same_as_last", "review", "edit", "submit", "confirm_submit", "status", "help",
)
DONE_STATUSES = ("submitted", "approved")
# Events that only read, and may arrive after submission without being refused.
READ_ONLY = ("start", "review", "status", "help")
FRAGMENT_SEPARATOR = "\n\n"
NOT_APPLICABLE_TEXT = {"sv": "Ej aktuellt", "en": "Not applicable"}


@dataclass(frozen=True)
class Event:
    kind: str
    channel: str
    text: str | None = None
    question: str | None = None  # a question id or its number, where the event names one
    source_ref: str | None = None  # the channel's id of the message, to find it when edited
    inbox_id: int | None = None
    contact_id: int | None = None  # who sent it, when not the assignment's contact

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")


@dataclass(frozen=True)
class Reply:
    template: str
    kind: str = "notice"  # the X-Intake-Kind: question | receipt | summary | notice
    data: dict[str, Any] = field(default_factory=dict)
    question_id: str | None = None
    question_number: int | None = None


class Conversation:
    """The stored state of one assignment, loaded for one event."""

    def __init__(self, session: Session, assignment: Assignment, now: datetime):
        self.session, self.assignment, self.now = session, assignment, now
        self.round = session.get_one(Round, assignment.round_id)
        snapshot = session.get_one(FormSnapshot, self.round.form_snapshot_id)
        self.form = Form.model_validate(snapshot.content)
        self.committee = session.get_one(Committee, assignment.committee_id)
        self.contact = session.get_one(Contact, assignment.contact_id)
        self.questions: list[Question] = self.form.questions_for(self.committee.kind)
        self.answers: dict[str, Answer] = {
            a.question_id: a
            for a in session.exec(select(Answer).where(Answer.assignment_id == assignment.id))
        }

    # -- reading the state ---------------------------------------------------------------
    def number(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions, 1) if q.id == question_id)

    def find(self, ref: str | None) -> Question | None:
        """A question by id or by its number in this committee's form."""
        if ref is None:
            return None
        ref = ref.strip()
        if ref.isdigit() and 1 <= int(ref) <= len(self.questions):
            return self.questions[int(ref) - 1]
        return next((q for q in self.questions if q.id == ref), None)

    def is_done(self, question: Question) -> bool:
        answer = self.answers.get(question.id)
        return bool(answer and answer.state in ("answered", "not_applicable")
                    and not answer.needs_revision)

    def is_open(self, question: Question) -> bool:
        """Still to be asked: unanswered and not skipped, or returned by the coordinator."""
        answer = self.answers.get(question.id)
        if self.assignment.status == "returned":
            # A returned form re-asks only what the coordinator flagged.
            return answer is not None and answer.needs_revision
        return answer is None or answer.needs_revision

    def missing(self) -> list[Question]:
        """Required questions that block submission (skipped ones come back here)."""
        return [q for q in self.questions if q.required and not self.is_done(q)]

    def answered_count(self) -> int:
        return sum(1 for q in self.questions if self.is_done(q))

    def current(self) -> Question | None:
        return self.find(self.assignment.cursor)

    def next_open(self, after: Question | None) -> Question | None:
        start = self.questions.index(after) + 1 if after else 0
        for question in self.questions[start:]:
            if self.is_open(question):
                return question
        # Nothing further: come back to what was left, required first.
        for question in self.missing() + [q for q in self.questions if self.is_open(q)]:
            return question
        return None

    def text_of(self, question: Question) -> str | None:
        answer = self.answers.get(question.id)
        if answer is None or answer.current_revision_id is None or answer.state == "skipped":
            return None
        return self.session.get_one(AnswerRevision, answer.current_revision_id).text

    def previous_answer(self, question: Question) -> str | None:
        """This committee's answer to the same question id in the latest earlier round."""
        previous = self.previous_revision(question)
        return previous.text if previous and previous.text else None

    def previous_revision(self, question: Question) -> AnswerRevision | None:
        """The current revision of that answer (its text and value), or None."""
        row = self.session.exec(
            select(AnswerRevision)
            .join(Answer, col(Answer.current_revision_id) == col(AnswerRevision.id))
            .join(Assignment, col(Assignment.id) == col(Answer.assignment_id))
            .join(Round, col(Round.id) == col(Assignment.round_id))
            .where(
                Assignment.committee_id == self.committee.id,
                Answer.question_id == question.id,
                col(Answer.state).in_(("answered",)),
                Round.deadline < self.round.deadline,
            )
            .order_by(col(Round.deadline).desc())
        ).first()
        return row if row is not None and row.text else None

    # -- message data ----------------------------------------------------------------------
    def base_data(self) -> dict[str, Any]:
        return {
            "committee": self.committee.name,
            "contact_name": self.contact.name,
            "period": self.round.period,
            "form_title": self.form.title,
            "deadline": iso(self.round.deadline),
            "answered": self.answered_count(),
            "total": len(self.questions),
            "status": self.assignment.status,
        }

    def question_reply(self, question: Question, invitation: bool = False,
                       refused: dict[str, Any] | None = None) -> Reply:
        """The question's message; `refused` says why the last answer to it was not saved."""
        section = self.form.section_of(question.id)
        answer = self.answers.get(question.id)
        data = self.base_data() | answer_hint(question, self.contact.language) | {
            "number": self.number(question.id),
            "question_id": question.id,
            "text": question.text_en if self.contact.language == "en" and question.text_en
            else question.text,
            "short": question.short_text(),
            "help": question.help,
            "required": question.required,
            "section": section.title if section else None,
            "section_number": section.number if section else None,
            "current_answer": self.text_of(question),
            "previous_answer": self.previous_answer(question),
            "coordinator_comment": answer.coordinator_comment if answer else None,
            "invitation": invitation,
            "refusal": refused,
        }
        if invitation:
            data["intro"] = self.form.intro_en if self.contact.language == "en" and \
                self.form.intro_en else self.form.intro
        return Reply("question", "question", data, question.id, data["number"])

    def answers_data(self) -> list[dict[str, Any]]:
        return [
            {
                "number": i,
                "question_id": q.id,
                "text": q.text,
                "short": q.short_text(),
                "answer": self.text_of(q),
                "state": self.answers[q.id].state if q.id in self.answers else None,
                "required": q.required,
            }
            for i, q in enumerate(self.questions, 1)
        ]

    def notice(self, template: str, kind: str = "notice", **extra: Any) -> Reply:
        return Reply(template, kind, self.base_data() | extra)

    def review_reply(self, template: str = "review", kind: str = "notice") -> Reply:
        missing = [self.number(q.id) for q in self.missing()]
        return self.notice(template, kind, answers=self.answers_data(), missing=missing)


# -- changing the state -----------------------------------------------------------------------
def _touch(conv: Conversation, event: Event, changes_answers: bool) -> None:
    assignment = conv.assignment
    assignment.last_activity = conv.now
    assignment.channel = event.channel
    if event.kind not in ("submit", "confirm_submit") and event.kind not in READ_ONLY:
        assignment.confirm_pending = False
    if changes_answers and assignment.status == "not_started":
        assignment.status = "in_progress"


def _answer_row(conv: Conversation, question: Question) -> Answer:
    answer = conv.answers.get(question.id)
    if answer is None:
        answer = Answer(assignment_id=conv.assignment.id or 0, question_id=question.id,
                        state="answered", updated_at=conv.now)
        conv.session.add(answer)
        conv.session.flush()
        conv.answers[question.id] = answer
    return answer


def _new_revision(conv: Conversation, question: Question, text: str, kind: str,
                  event: Event, value: Any = None) -> AnswerRevision:
    """A new current text for the question; the earlier one stays as a revision."""
    answer = _answer_row(conv, question)
    last = conv.session.exec(
        select(AnswerRevision.number).where(AnswerRevision.answer_id == answer.id)
        .order_by(col(AnswerRevision.number).desc())
    ).first()
    revision = AnswerRevision(
        answer_id=answer.id or 0, number=(last or 0) + 1, text=text, kind=kind, value=value,
        channel=event.channel, contact_id=event.contact_id or conv.contact.id,
        inbox_id=event.inbox_id, created_at=conv.now, updated_at=conv.now,
    )
    conv.session.add(revision)
    conv.session.flush()
    answer.current_revision_id = revision.id
    answer.state = "not_applicable" if kind == "not_applicable" else "answered"
    answer.needs_revision = False
    answer.updated_at = conv.now
    if kind == "text":
        _add_fragment(conv, revision, text, event)
    return revision


def _add_fragment(conv: Conversation, revision: AnswerRevision, text: str, event: Event) -> None:
    count = len(list(conv.session.exec(
        select(Fragment.id).where(Fragment.revision_id == revision.id))))
    conv.session.add(Fragment(revision_id=revision.id or 0, position=count, text=text,
                              source_ref=event.source_ref, inbox_id=event.inbox_id,
                              created_at=conv.now))
    conv.session.flush()


def _rebuild_text(conv: Conversation, revision: AnswerRevision) -> None:
    fragments = conv.session.exec(
        select(Fragment.text).where(Fragment.revision_id == revision.id)
        .order_by(col(Fragment.position))
    )
    revision.text = FRAGMENT_SEPARATOR.join(fragments)
    revision.updated_at = conv.now


def _move_to(conv: Conversation, question: Question | None) -> list[Reply]:
    """Stand on `question` and ask it; with none left, show the summary."""
    conv.assignment.cursor = question.id if question else None
    conv.assignment.cursor_fresh = True
    if question is None:
        return [conv.review_reply("summary", "summary")]
    return [conv.question_reply(question)]


def _on_text(conv: Conversation, event: Event) -> list[Reply]:
    text = (event.text or "").strip("\n")
    if not text.strip():
        return [conv.notice("empty_answer")]
    question = conv.current() or conv.next_open(None)
    if question is None:
        return [conv.review_reply("summary", "summary")]
    if question.kind != "text":
        # A typed question takes one message as the whole answer, then moves on.
        return _on_answer(conv, Event("answer", event.channel, text, question.id,
                                      event.source_ref, event.inbox_id, event.contact_id))
    conv.assignment.cursor = question.id
    answer = conv.answers.get(question.id)
    revision = None
    if answer and answer.current_revision_id and not conv.assignment.cursor_fresh \
            and answer.state == "answered":
        revision = conv.session.get_one(AnswerRevision, answer.current_revision_id)
    if revision is None or revision.kind != "text":
        revision = _new_revision(conv, question, text, "text", event)
    else:
        _add_fragment(conv, revision, text, event)
        _rebuild_text(conv, revision)
    conv.assignment.cursor_fresh = False
    return [conv.notice("fragment_saved", number=conv.number(question.id),
                        question_id=question.id, length=len(revision.text),
                        fragments=_fragment_count(conv, revision))]


def _fragment_count(conv: Conversation, revision: AnswerRevision) -> int:
    return len(list(conv.session.exec(
        select(Fragment.id).where(Fragment.revision_id == revision.id))))


def _on_edit_fragment(conv: Conversation, event: Event) -> list[Reply]:
    """An edited chat message replaces the fragment it made, wherever that now stands."""
    fragment = conv.session.exec(
        select(Fragment).join(AnswerRevision, col(AnswerRevision.id) == col(Fragment.revision_id))
        .join(Answer, col(Answer.id) == col(AnswerRevision.answer_id))
        .where(Fragment.source_ref == event.source_ref,
               Answer.assignment_id == conv.assignment.id)
        .order_by(col(Fragment.id).desc())
    ).first()
    if fragment is None or not (event.text or "").strip():
        return []
    revision = conv.session.get_one(AnswerRevision, fragment.revision_id)
    answer = conv.session.get_one(Answer, revision.answer_id)
    question = conv.find(answer.question_id)
    if question is not None and question.kind != "text":
        return _edit_typed(conv, question, fragment, revision, event.text or "")
    fragment.text = (event.text or "").strip("\n")
    _rebuild_text(conv, revision)
    return [conv.notice("fragment_updated", number=conv.number(answer.question_id),
                        length=len(revision.text))]


def _edit_typed(conv: Conversation, question: Question, fragment: Fragment,
                revision: AnswerRevision, text: str) -> list[Reply]:
    """An edited typed answer is read again; one that no longer fits leaves the old one."""
    try:
        parsed = parse(question, text)
    except Misfit as misfit:
        return [conv.question_reply(question, refused=refusal(question, misfit, text,
                                                              conv.contact.language))]
    fragment.text = text.strip("\n")
    revision.text, revision.value, revision.updated_at = parsed.text, parsed.value, conv.now
    return [conv.notice("fragment_updated", number=conv.number(question.id),
                        length=len(revision.text))]


def _on_answer(conv: Conversation, event: Event) -> list[Reply]:
    """A whole answer to a named question (a mail reply): replaces, then moves on."""
    question = conv.find(event.question) or conv.current()
    if question is None:
        return [conv.notice("unknown_question", reference=event.question)]
    text = (event.text or "").strip()
    if not text:
        return [conv.notice("empty_answer", number=conv.number(question.id),
                            question_id=question.id)]
    try:
        parsed = parse(question, text)
    except Misfit as misfit:
        # Not stored: say why and ask the same question again (by mail: a question mail).
        conv.assignment.cursor, conv.assignment.cursor_fresh = question.id, True
        return [conv.question_reply(question, refused=refusal(question, misfit, text,
                                                              conv.contact.language))]
    replaced = conv.is_done(question)
    text = parsed.text if question.kind != "text" else text
    _new_revision(conv, question, text, "text", event, parsed.value)
    replies = []
    if replaced:
        replies.append(conv.notice("answer_saved", "receipt", number=conv.number(question.id),
                                   question_id=question.id, answer=text))
    upcoming = conv.next_open(question)
    if upcoming is None or upcoming.id != conv.assignment.cursor or not replaced:
        replies += _move_to(conv, upcoming)
    return replies


def _on_not_applicable(conv: Conversation, event: Event) -> list[Reply]:
    question = conv.find(event.question) or conv.current() or conv.next_open(None)
    if question is None:
        return [conv.review_reply("summary", "summary")]
    text = NOT_APPLICABLE_TEXT.get(conv.contact.language, NOT_APPLICABLE_TEXT["sv"])
    _new_revision(conv, question, text, "not_applicable", event)
    return _move_to(conv, conv.next_open(question))


def _on_same_as_last(conv: Conversation, event: Event) -> list[Reply]:
    question = conv.find(event.question) or conv.current() or conv.next_open(None)
    if question is None:
        return [conv.review_reply("summary", "summary")]
    previous = _previous_for(conv, question)
    if previous is None:
        return [conv.notice("no_previous", number=conv.number(question.id))]
    _new_revision(conv, question, previous.text, "same_as_last", event, previous.value)
    reply = conv.notice("copied_previous", number=conv.number(question.id),
                        answer=previous.text)
    return [reply] + _move_to(conv, conv.next_open(question))


def _previous_for(conv: Conversation, question: Question) -> Parsed | None:
    """Last period's answer, if it is still a valid answer to this question as it is now."""
    revision = conv.previous_revision(question)
    if revision is None:
        return None
    if question.kind == "text":
        return Parsed(None, revision.text)  # text now, whatever it was then
    if fits(question, revision.value):
        return Parsed(revision.value, revision.text)
    try:
        # Asked as text then, typed now (or an option since renamed): read the text again.
        return parse(question, revision.text)
    except Misfit:
        return None


def _on_skip(conv: Conversation, event: Event) -> list[Reply]:
    question = conv.current() or conv.next_open(None)
    if question is None:
        return [conv.review_reply("summary", "summary")]
    if question.id not in conv.answers:
        _answer_row(conv, question).state = "skipped"
    return _move_to(conv, conv.next_open(question))


def _on_next(conv: Conversation, event: Event) -> list[Reply]:
    return _move_to(conv, conv.next_open(conv.current()))


def _on_back(conv: Conversation, event: Event) -> list[Reply]:
    current = conv.current()
    if current is None:
        target = conv.questions[-1]
    else:
        index = conv.questions.index(current)
        target = conv.questions[max(index - 1, 0)]
    return _move_to(conv, target)


def _on_edit(conv: Conversation, event: Event) -> list[Reply]:
    question = conv.find(event.question)
    if question is None:
        return [conv.notice("unknown_question", reference=event.question)]
    return _move_to(conv, question)


def _on_start(conv: Conversation, event: Event) -> list[Reply]:
    if conv.assignment.status in DONE_STATUSES:
        return [conv.notice("already_submitted")]
    question = conv.current() if conv.current() and conv.is_open(conv.current()) else None
    return _move_to(conv, question or conv.next_open(conv.current()))


def _on_submit(conv: Conversation, event: Event) -> list[Reply]:
    missing = conv.missing()
    if missing:
        conv.assignment.confirm_pending = False
        reply = conv.notice("missing", missing=[
            {"number": conv.number(q.id), "text": q.text, "short": q.short_text()}
            for q in missing])
        return [reply] + _move_to(conv, missing[0])
    if conv.assignment.confirm_pending or event.kind == "confirm_submit":
        return _submit(conv)
    conv.assignment.confirm_pending = True
    return [conv.review_reply("confirm_submit")]


def _submit(conv: Conversation) -> list[Reply]:
    assignment = conv.assignment
    assignment.status = "submitted"
    assignment.submitted_at = conv.now
    assignment.confirm_pending = False
    assignment.cursor = None
    assignment.next_reminder_at, assignment.next_reminder_step = None, None  # done: no more
    notify_submitted(conv.session, assignment, conv.now)  # their chats, in this transaction
    return [conv.review_reply("receipt", "receipt")]


HANDLERS = {
    "start": _on_start, "text": _on_text, "answer": _on_answer,
    "edit_fragment": _on_edit_fragment, "next": _on_next, "back": _on_back, "skip": _on_skip,
    "not_applicable": _on_not_applicable, "same_as_last": _on_same_as_last,
    "review": lambda conv, event: [conv.review_reply()],
    "edit": _on_edit, "submit": _on_submit, "confirm_submit": _on_submit,
    "status": lambda conv, event: [conv.review_reply("status")],
    "help": lambda conv, event: [conv.notice("help")],
}
CHANGES_ANSWERS = ("text", "answer", "edit_fragment", "not_applicable", "same_as_last", "skip")


def decide(session: Session, assignment: Assignment, event: Event, now: datetime) -> list[Reply]:
    """Apply one event to the stored state; return the replies (nothing is sent here)."""
    if event.text:
        # One place every channel's text passes: what XML forbids never reaches an answer.
        event = replace(event, text=xml_safe(event.text))
    conv = Conversation(session, assignment, now)
    if assignment.status in DONE_STATUSES and event.kind not in READ_ONLY:
        return [conv.notice("already_submitted")]
    _touch(conv, event, event.kind in CHANGES_ANSWERS)
    replies = HANDLERS[event.kind](conv, event)
    session.add(assignment)
    session.flush()
    return replies


def handle_event(session: Session, assignment: Assignment, event: Event,
                 now: datetime) -> list[Reply]:
    """Decide, then put the replies in the outbox for the sender, on the event's channel."""
    replies = decide(session, assignment, event, now)
    recipient = session.get_one(Contact, event.contact_id or assignment.contact_id)
    for reply in replies:
        enqueue(session, channel=event.channel, contact=recipient, kind=reply.kind,
                template=reply.template, data=reply.data, now=now, assignment=assignment,
                question_id=reply.question_id, question_number=reply.question_number)
    return replies


def invitation(session: Session, assignment: Assignment, now: datetime) -> Reply:
    """The first question of a new assignment, with the form's introduction."""
    conv = Conversation(session, assignment, now)
    first = conv.next_open(None)
    assert first is not None, "a form always has a question"
    assignment.cursor = first.id
    assignment.cursor_fresh = True
    return conv.question_reply(first, invitation=True)
