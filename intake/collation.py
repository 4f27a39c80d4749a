"""The one order committees are listed in everywhere: by kind, then by Swedish collation."""

from __future__ import annotations

import unicodedata

from intake.forms import COMMITTEE_KINDS

# Swedish alphabet: a-z, then å ä ö; æ/ø sort as ä/ö and other accents as the base letter.
_SWEDISH_EXTRA = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}


def swedish_key(text: str) -> tuple[str, str]:
    """A sort key for Swedish collation (å ä ö after z), case-insensitive, ties by exact text."""
    out = []
    for char in text.casefold():
        if char in _SWEDISH_EXTRA:
            out.append(_SWEDISH_EXTRA[char])
            continue
        out.append(unicodedata.normalize("NFD", char)[0])
    return "".join(out), text


def kind_rank(kind: str) -> int:
    return COMMITTEE_KINDS.index(kind) if kind in COMMITTEE_KINDS else len(COMMITTEE_KINDS)


def committee_order(kind: str, name: str) -> tuple[int, tuple[str, str]]:
    """District committees, then specialist committees, then companies; by name within."""
    return kind_rank(kind), swedish_key(name)
