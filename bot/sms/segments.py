"""How text fits in SMS: GSM 03.38 or UCS-2, segments counted, long text split at words.

A message is sent as one SMS segment each, numbered "(1/3)" when a text needs several: the
numbers keep the order readable on a phone even when the operator delivers them out of order.
"""

from __future__ import annotations

from dataclasses import dataclass

# The GSM 03.38 default alphabet (one septet each) and its extension table (two septets each).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM_BASIC)
_EXTENDED = frozenset(GSM_EXTENDED)

GSM_SINGLE, GSM_PART = 160, 153  # septets: one segment alone, or one of a concatenated message
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units


@dataclass(frozen=True)
class Encoding:
    name: str  # "gsm7" or "ucs2"
    units: int  # septets or UTF-16 code units
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in _BASIC or ch in _EXTENDED for ch in text)


def units(text: str, gsm: bool) -> int:
    if gsm:
        return sum(2 if ch in _EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def encoding(text: str) -> Encoding:
    """The encoding a gateway uses for `text`, and how many segments it is billed as."""
    gsm = is_gsm7(text)
    count = units(text, gsm)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    segments = 1 if count <= single else -(-count // part)
    return Encoding("gsm7" if gsm else "ucs2", count, segments)


def split_message(text: str) -> list[str]:
    """`text` as few one-segment messages as fit, cut between words, numbered when split."""
    text = text.strip()
    if encoding(text).segments <= 1:
        return [text]
    for total in range(2, 1000):
        parts = _fill(text, total)
        if parts is not None and len(parts) <= total:
            return [f"({n}/{len(parts)}) {part}" for n, part in enumerate(parts, 1)]
    raise ValueError("text too long for SMS")


def _fits(body: str, prefix: str) -> bool:
    return encoding(prefix + body).segments == 1


def _fill(text: str, total: int) -> list[str] | None:
    """Greedy filling with room for a "(n/total) " prefix; None if it needs more parts."""
    parts: list[str] = []
    words = text.replace("\r\n", "\n").split(" ")
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        prefix = f"({len(parts) + 1}/{total}) "
        if _fits(candidate, prefix):
            current = candidate
            continue
        if current:
            parts.append(current)
        current = word
        while not _fits(current, f"({len(parts) + 1}/{total}) "):  # one word longer than a part
            cut = _longest_prefix(current, f"({len(parts) + 1}/{total}) ")
            parts.append(current[:cut])
            current = current[cut:]
        if len(parts) > total:
            return None
    if current:
        parts.append(current)
    return parts if len(parts) <= total else None


def _longest_prefix(word: str, prefix: str) -> int:
    """The longest start of `word` that fits one segment after `prefix` (binary search)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(word[:middle], prefix):
            low = middle
        else:
            high = middle - 1
    return low
