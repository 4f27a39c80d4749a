"""How mail clients mark the start of a quote: header blocks, attribution lines, '>' quoting.

These are the fallback when the bot's own text is not found. Each pattern needs more than one
sign (several header fields, a time of day and an address), so an answer that merely contains
"skrev" or a line starting with "Från" is never cut.
"""

import re

_FIELD_NAMES = {
    "from": "from", "från": "from", "von": "from",
    "sent": "sent", "skickat": "sent", "date": "sent", "datum": "sent", "skickades": "sent",
    "to": "to", "till": "to",
    "subject": "subject", "ämne": "subject",
    "cc": "cc", "kopia": "cc", "reply-to": "cc", "svara till": "cc",
}
_FIELD = re.compile(
    r"^[\s>]*\**\s*(from|från|sent|skickat|skickades|date|datum|to|till|subject|ämne|cc|kopia"
    r"|reply-to|svara till)\s*:\**\s*(.*)$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^[\s>]*-{2,}\s*(ursprungligt meddelande|original message|originalmeddelande"
    r"|vidarebefordrat meddelande|forwarded message)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[\s>]*(?:_{10,}|-{10,})\s*$")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_ATTRIBUTION = re.compile(
    r"^[\s>]*(?:(?:den|on|le|am)\s.*\d.*|\d{1,2}\s+\w+\.?\s+\d{4}.*|\d{4}-\d{2}-\d{2}.*)"
    r"\b(?:skrev|wrote|a écrit|schrieb)\b[^:]*:\s*$",
    re.IGNORECASE,
)


def is_header_field(line: str) -> bool:
    return bool(_FIELD.match(line))


def is_quote_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line) or _RULE.match(line))


def is_attribution_part(line: str) -> bool:
    """Part of an attribution line next to our proven quote, also when the client wrapped it."""
    stripped = line.strip().lstrip("> ")
    return bool(
        re.search(r"\b(skrev|wrote)\b.*:$", stripped, re.IGNORECASE)
        or re.search(r"@[\w.-]+>?\s*:$", stripped)
        or (stripped.endswith("<") and _TIME.search(stripped))
    )


def _header_block_at(lines: list[str], i: int) -> bool:
    """An Outlook-style header block: From, then a date and a recipient or subject field."""
    first = _FIELD.match(lines[i])
    if not first or _FIELD_NAMES.get(first.group(1).lower()) != "from":
        return False
    kinds = {"from"}
    for line in lines[i + 1 : i + 8]:
        match = _FIELD.match(line)
        if match:
            kinds.add(_FIELD_NAMES.get(match.group(1).lower(), ""))
        elif not line.strip():
            break
    return "sent" in kinds and bool({"to", "subject"} & kinds)


def _attribution_at(lines: list[str], i: int) -> bool:
    """'Den tors 24 nov. 2022 kl 10:15 skrev Kim <kim@…>:' with a time and an address or a quote."""
    joined = lines[i].rstrip()
    if not _ATTRIBUTION.match(joined) and i + 1 < len(lines):
        joined = joined + " " + lines[i + 1].strip().lstrip("> ")  # clients wrap long attributions
    if not _ATTRIBUTION.match(joined) or not _TIME.search(joined):
        return False
    if "@" in joined:
        return True
    following = [line for line in lines[i + 1 : i + 4] if line.strip()]
    return bool(following) and following[0].lstrip().startswith(">")


def _quoted_to_end(lines: list[str], i: int) -> bool:
    rest = [line for line in lines[i:] if line.strip()]
    return len(rest) >= 2 and all(line.lstrip().startswith(">") for line in rest)


def find_client_quote(lines: list[str]) -> tuple[int, str] | None:
    """Index of the first line of a quote recognised by client patterns, and which pattern."""
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line):
            return i, "an 'original message' separator"
        if _RULE.match(line) and any(_header_block_at(lines, j) for j in range(i + 1, i + 3)
                                     if j < len(lines)):
            return i, "a rule above a header block"
        if _header_block_at(lines, i):
            return i, "a quoted header block"
        if _attribution_at(lines, i):
            return i, "an attribution line"
        if line.lstrip().startswith(">") and _quoted_to_end(lines, i):
            return i, "'>' quoting"
    return None
