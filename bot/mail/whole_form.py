"""A whole form in one mail: every question under a numbered marker, answered in one reply.

The contact asks for it by replying "HELA FORMULÄRET" / "WHOLE FORM" to any question mail.
The mail's reply token names the whole form (question_id "*"). A reply that keeps the
markers fills every question at once: each answer runs from its marker line to the next one.
It works whether the contact types under each question inside the quoted mail (Outlook's
usual way) or copies the markers to the top of the reply. What cannot be placed (text
before the first marker, a marker number the form does not have, a reply with no markers)
is sent back to the contact in a mail, never guessed; what was placed is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.mail.html_text import html_to_text
from bot.mail.parsing import IncomingMail
from bot.mail.replies import normalise
from bot.mail.reply_patterns import is_attribution_part, is_header_field, is_quote_separator
from bot.mail.reply_tail import strip_ends
from intake.conversation.answers import answer_hint
from intake.conversation.engine import Conversation, Event, decide, handle_event
from intake.messaging.outbox import enqueue
from storage.models import Contact

if TYPE_CHECKING:
    from bot.mail.processing import Routed

WHOLE_FORM = "*"  # Token.question_id of a whole-form mail: the reply answers every question
_MARKER = re.compile(r"^\[(\d{1,3})\][ \t]*(.*)$")
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")


@dataclass
class Placement:
    """What a whole-form reply says: answers by question number, and what fits nowhere."""

    answers: dict[int, str] = field(default_factory=dict)
    unplaced: list[dict[str, str]] = field(default_factory=list)


def _bare(line: str) -> str:
    """The line without quoting marks: inline answers sit between "> " quoted questions."""
    return re.sub(r"^(?:[ \t]*>)+[ \t]?", "", _INVISIBLE.sub("", line)).strip()


def place_answers(text: str, sent_text: str, total: int, from_name: str = "",
                  from_address: str = "") -> Placement:
    """Split a reply's text at the markers; our own lines (questions, help, footer) drop out."""
    ours = {normalise(line) for line in sent_text.splitlines()} - {""}
    marker_texts = {m[1]: normalise(m[2]) for line in sent_text.splitlines()
                    if (m := _MARKER.match(line.strip()))}
    lines = text.replace("\r\n", "\n").split("\n")
    markers = [(i, int(m[1]), m[2]) for i, line in enumerate(lines)
               if (m := _MARKER.match(_bare(line)))]
    end = len(lines)
    for (_, previous, _), (i, number, _) in zip(markers, markers[1:], strict=False):
        if number <= previous:
            # Numbering starts again: the contact wrote on top and this is our mail quoted.
            end = _quote_start(lines, i, ours)
            break
    markers = [m for m in markers if m[0] < end]
    placement = Placement()

    def own_text(chunk: list[str], top: bool = False) -> str:
        kept = [line.rstrip() for line in chunk if normalise(_bare(line)) not in ours]
        # The same greeting and tail rules as a reply to one question (bot.mail.reply_tail).
        kept = strip_ends([_bare(line) if _is_quoted(line) else line for line in kept],
                          from_name, from_address, alone=top)
        return "\n".join(kept).strip("\n")

    first = markers[0][0] if markers else end
    before = own_text(_drop_header_block(lines[:first]), top=True)
    if before.strip():
        placement.unplaced.append({"where": "before_first" if markers else "no_markers",
                                   "text": before})
    for n, (i, number, rest) in enumerate(markers):
        stop = markers[n + 1][0] if n + 1 < len(markers) else end
        head = [] if not rest.strip() or normalise(rest) == marker_texts.get(str(number)) \
            else [rest]
        answer = own_text(head + lines[i + 1:stop])
        if not answer.strip():
            continue  # left empty: that question keeps what it had
        if not 1 <= number <= total or number in placement.answers:
            placement.unplaced.append({"where": f"[{number}]", "text": answer})
        else:
            placement.answers[number] = answer
    return placement


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _quote_start(lines: list[str], index: int, ours: set[str]) -> int:
    """From the first quoted marker, up over our intro, the client's header block, blanks."""
    i = index
    while i > 0:
        line = lines[i - 1]
        if not (not line.strip() or normalise(_bare(line)) in ours or is_header_field(line)
                or is_quote_separator(line) or is_attribution_part(line) or _is_quoted(line)):
            break
        i -= 1
    return i


def _drop_header_block(lines: list[str]) -> list[str]:
    """Before the first marker in an inline reply: the client's header block is not text."""
    return [line for line in lines
            if not (is_header_field(line) or is_quote_separator(line)
                    or is_attribution_part(line))]


def reply_text(mail: IncomingMail) -> str:
    if mail.text:
        return mail.text
    return html_to_text(mail.html) if mail.html else ""


def send_whole_form(session: Session, routed: Routed, now: datetime) -> None:
    """The whole-form mail: every question of this committee's form under its marker."""
    conv = Conversation(session, routed.assignment, now)
    english = routed.sender.language == "en"
    questions = []
    for number, question in enumerate(conv.questions, 1):
        section = conv.form.section_of(question.id)
        text = question.text_en if english and question.text_en else question.text
        questions.append({"number": number, "text": " ".join(text.split()),
                          "help": question.help, "required": question.required,
                          "section": section.title if section else None,
                          "section_number": section.number if section else None,
                          "answered": conv.is_done(question),
                          "hint": answer_hint(question, routed.sender.language)})
    enqueue(session, channel="email", contact=routed.sender, kind="notice",
            template="whole_form", data=conv.base_data() | {"questions": questions}, now=now,
            assignment=routed.assignment, question_id=WHOLE_FORM)


def answer_whole_form(session: Session, routed: Routed, mail: IncomingMail, sent_text: str,
                      inbox_id: int | None, now: datetime) -> str | None:
    """Save every placed answer, report what was not placed, then ask on as usual.

    Returns a note for the inbox row, or None when the reply held nothing new at all.
    """
    from bot.mail.processing import keyword_of

    conv = Conversation(session, routed.assignment, now)
    placement = place_answers(reply_text(mail), sent_text, len(conv.questions),
                              mail.from_name, mail.from_address or "")
    base = {"channel": "email", "inbox_id": inbox_id, "contact_id": routed.sender.id}
    refused = []
    for number, text in sorted(placement.answers.items()):
        keyword = keyword_of(text)
        if keyword in ("not_applicable", "same_as_last"):
            event = Event(keyword, question=str(number), **base)
        else:
            event = Event("answer", text=text, question=str(number), **base)
        # decide, not handle_event: one mail reports them all instead of one per answer.
        replies = decide(session, routed.assignment, event, now)
        # A typed answer that does not fit is not stored: the result mail says why.
        refused += [{"number": number, "refusal": r.data["refusal"]} for r in replies
                    if r.data.get("refusal")]
    for item in refused:
        placement.answers.pop(item["number"])
    if refused:  # the first refused question is the one asked again
        routed.assignment.cursor = conv.questions[refused[0]["number"] - 1].id
    if not placement.answers and not placement.unplaced and not refused:
        return None
    conv = Conversation(session, routed.assignment, now)
    contact = session.get_one(Contact, routed.sender.id)
    enqueue(session, channel="email", contact=contact, kind="receipt",
            template="whole_form_result", now=now, assignment=routed.assignment,
            question_id=WHOLE_FORM,
            data=conv.base_data() | {
                "saved": sorted(placement.answers), "unplaced": placement.unplaced,
                "refused": refused,
                "open": [conv.number(q.id) for q in conv.questions if conv.is_open(q)]})
    if placement.answers or refused:
        # The next open question as usual, or the summary asking for SKICKA when all is done.
        handle_event(session, routed.assignment, Event("start", **base), now)
    return (f"whole form: saved {sorted(placement.answers)}, "
            f"{len(placement.unplaced)} part(s) not placed, {len(refused)} refused")
