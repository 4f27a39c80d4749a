"""A contact's answer text as blocks: paragraphs (with their line breaks) and lists.

Contacts type plain text: a blank line ends a paragraph, lines starting with "-", "*" or "•"
are bullet items, lines starting with "1." or "1)" are numbered items (numbers kept as typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_BULLET = re.compile(r"^[-*•–]\s+(?P<body>.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,3}[.)])\s+(?P<body>.*)$")


@dataclass(frozen=True)
class Block:
    kind: Literal["paragraph", "bullets", "numbered"]
    # A paragraph's lines (joined with line breaks) or a list's items.
    lines: tuple[str, ...]
    # Numbered lists keep the contact's own numbers so the text reads as written.
    numbers: tuple[str, ...] = ()


def parse_answer(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        blocks.extend(_group(line for line in lines if line))
    return blocks


def _group(lines) -> list[Block]:
    """Split one chunk into runs of plain lines, bullet items and numbered items."""
    out: list[Block] = []
    for line in lines:
        if match := _BULLET.match(line):
            kind, body, number = "bullets", match["body"], ""
        elif match := _NUMBERED.match(line):
            kind, body, number = "numbered", match["body"], match["number"]
        else:
            kind, body, number = "paragraph", line, ""
        if out and out[-1].kind == kind:
            last = out.pop()
            out.append(
                Block(kind, last.lines + (body,), last.numbers + ((number,) if number else ()))
            )
        else:
            out.append(Block(kind, (body,), (number,) if number else ()))  # type: ignore[arg-type]
    return out
