"""A whole form in one mail: sending it, and saving what a reply placed under its markers.

The contact asks for it by replying "HELA FORMULÄRET" / "WHOLE FORM" to any question mail;
its reply token names the whole form (question_id "*"). The mail adapter finds the answers
under the numbered markers; here they are saved, what could not be placed is sent back to
the contact (never guessed), and the conversation goes on.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from intake.conversation.answers import answer_hint
from intake.conversation.engine import Conversation, Event, decide, handle_event
from intake.conversation.keywords import keyword_of
from intake.messaging.incoming import Incoming
from intake.messaging.outbox import enqueue
from storage.models import Assignment, Contact

WHOLE_FORM = "*"  # Token.question_id of a whole-form mail: the reply answers every question


def send_whole_form(session: Session, assignment: Assignment, sender: Contact,
                    now: datetime) -> None:
    """The whole-form mail: every question of this committee's form under its marker."""
    conv = Conversation(session, assignment, now)
    english = sender.language == "en"
    questions = []
    for number, question in enumerate(conv.questions, 1):
        section = conv.form.section_of(question.id)
        text = question.text_en if english and question.text_en else question.text
        questions.append({"number": number, "text": " ".join(text.split()),
                          "help": question.help, "required": question.required,
                          "section": section.title if section else None,
                          "section_number": section.number if section else None,
                          "answered": conv.is_done(question),
                          "hint": answer_hint(question, sender.language)})
    enqueue(session, channel="email", contact=sender, kind="notice",
            template="whole_form", data=conv.base_data() | {"questions": questions}, now=now,
            assignment=assignment, question_id=WHOLE_FORM)


def answer_whole_form(session: Session, assignment: Assignment, sender: Contact,
                      incoming: Incoming, inbox_id: int | None, now: datetime) -> str | None:
    """Save every placed answer, report what was not placed, then ask on as usual.

    Returns a note for the inbox row, or None when the reply held nothing new at all.
    """
    conv = Conversation(session, assignment, now)
    total = len(conv.questions)
    placed = {n: text for n, text in (incoming.placed or {}).items() if 1 <= n <= total}
    unplaced = list(incoming.unplaced) + [
        {"where": f"[{n}]", "text": text} for n, text in sorted((incoming.placed or {}).items())
        if n not in placed]
    base = {"channel": "email", "inbox_id": inbox_id, "contact_id": sender.id}
    refused = []
    for number, text in sorted(placed.items()):
        keyword = keyword_of(text)
        if keyword in ("not_applicable", "same_as_last"):
            event = Event(keyword, question=str(number), **base)
        else:
            event = Event("answer", text=text, question=str(number), **base)
        # decide, not handle_event: one mail reports them all instead of one per answer.
        replies = decide(session, assignment, event, now)
        # A typed answer that does not fit is not stored: the result mail says why.
        refused += [{"number": number, "refusal": r.data["refusal"]} for r in replies
                    if r.data.get("refusal")]
    for item in refused:
        placed.pop(item["number"])
    if refused:  # the first refused question is the one asked again
        assignment.cursor = conv.questions[refused[0]["number"] - 1].id
    if not placed and not unplaced and not refused:
        return None
    conv = Conversation(session, assignment, now)
    contact = session.get_one(Contact, sender.id)
    enqueue(session, channel="email", contact=contact, kind="receipt",
            template="whole_form_result", now=now, assignment=assignment,
            question_id=WHOLE_FORM,
            data=conv.base_data() | {
                "saved": sorted(placed), "unplaced": unplaced, "refused": refused,
                "open": [conv.number(q.id) for q in conv.questions if conv.is_open(q)]})
    if placed or refused:
        # The next open question as usual, or the summary asking for SKICKA when all is done.
        handle_event(session, assignment, Event("start", **base), now)
    return (f"whole form: saved {sorted(placed)}, {len(unplaced)} part(s) not placed, "
            f"{len(refused)} refused")
