"""Reading a whole-form reply: every question under a numbered marker, answered in one mail.

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

from bot.mail.html_text import html_to_text
from bot.mail.parsing import IncomingMail
from bot.mail.replies import normalise
from bot.mail.reply_patterns import is_attribution_part, is_header_field, is_quote_separator
from bot.mail.reply_tail import strip_ends

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
