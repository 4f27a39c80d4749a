"""What changed since the last period: a word-level diff of an answer against the same
question's answer in the committee's previous round, and which answers were copied unchanged.

Database-free: the report's loader and the dashboard fill `Previous` and call these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

PieceKind = Literal["same", "ins", "del"]
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str


@dataclass(frozen=True)
class Previous:
    """A committee's answers in its previous round: question id -> text."""

    period: str
    answers: dict[str, str]


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """The words of `new` against `old`: kept, inserted and deleted runs, spaces normalised."""
    before, after = _WORD.findall(old), _WORD.findall(new)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            _add(pieces, "same", after[b1:b2])
            continue
        _add(pieces, "del", before[a1:a2])
        _add(pieces, "ins", after[b1:b2])
    return tuple(pieces)


def _add(pieces: list[Piece], kind: PieceKind, words: list[str]) -> None:
    if words:
        pieces.append(Piece(kind, " ".join(words)))


def unchanged(old: str, new: str) -> bool:
    return _WORD.findall(old) == _WORD.findall(new)
