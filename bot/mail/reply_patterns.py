"""How mail clients mark the start of a quote: header blocks, attributions, separators, '>'.

In eleven languages (sv, da, no, fi, en, de, fr, nl, it, es, pl). These are the fallback when
the bot's own text is not found. Each pattern needs more than one sign (several header fields,
a date or time and an address), so an answer that merely contains "skrev" or a line starting
with "Från" is never cut. Every pattern is linear, and runs on at most MAX_LINE characters of a
line: a megabyte on one line costs no more than a short one.
"""

import re

MAX_LINE = 400  # no header field, separator or attribution is longer; longer lines are text

_FIELD_NAMES = {
    "from": (
        "from", "från", "fra", "von", "de", "van", "da", "od", "lähettäjä", "afsender",
        "avsender", "absender", "expéditeur", "mittente", "remitente", "nadawca",
    ),
    "sent": (
        "sent", "skickat", "skickades", "date", "datum", "sendt", "dato", "lähetetty",
        "päivämäärä", "päiväys", "gesendet", "envoyé", "verzonden", "verstuurd", "inviato",
        "data", "enviado", "enviado el", "fecha", "wysłano", "wysłane", "sent on",
    ),
    "to": (
        "to", "till", "til", "an", "à", "a", "aan", "do", "para", "vastaanottaja",
        "destinataire", "destinatario", "empfänger", "adresat",
    ),
    "subject": (
        "subject", "ämne", "emne", "aihe", "betreff", "objet", "onderwerp", "oggetto",
        "asunto", "temat", "tema", "sujet",
    ),
    "cc": (
        "cc", "kopia", "kopi", "kopio", "kopie", "copie", "copia", "dw", "reply-to",
        "svara till", "antwort an", "répondre à", "bcc", "hemlig kopia",
    ),
}
_KIND_OF = {name: kind for kind, names in _FIELD_NAMES.items() for name in names}
_FIELD = re.compile(
    r"\**[ \t]*("
    + "|".join(sorted((re.escape(n) for n in _KIND_OF), key=len, reverse=True))
    + r")[ \t]*\**[ \t]*:[ \t]*\**(.*)$",
    re.IGNORECASE,
)
_SEPARATOR_WORDS = (
    r"original|ursprungligt|ursprüngliche|oprindelig|opprinnelig|alkuperäinen|origine"
    r"|oorspronkelijk|originale|oryginalna|reply message|forward|vidarebefordra|videresendt"
    r"|videresend|weitergeleitet|transféré|doorgestuurd|inoltrato|reenviado|przekazana"
    r"|edelleenlähetetty|välitetty"
)
_SEPARATOR = re.compile(
    rf"^[ \t>]{{0,40}}-{{2,}}[ \t]*[^-\n]{{0,60}}(?:{_SEPARATOR_WORDS})[^-\n]{{0,60}}-{{2,}}"
    r"[ \t]*$",
    re.IGNORECASE,
)
# Apple Mail writes its forward header as a sentence, not between dashes.
_FORWARD_SENTENCE = re.compile(
    r"^[ \t>]{0,40}(?:begin forwarded message|vidarebefordrat (?:brev|mejl|meddelande)"
    r"|anfang der weitergeleiteten nachricht|début du message réexpédié"
    r"|begin doorgestuurd bericht|inizio messaggio inoltrato|comienzo del mensaje reenviado"
    r"|videresendt besked|videresendt melding|välitetty viesti alkaa)[ \t]*:[ \t]*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[ \t>]{0,40}(?:_{10,}|-{10,})[ \t]*$")
_TIME = re.compile(r"(?<!\d)\d{1,2}[:.]\d{2}(?!\d)")
_DATE = re.compile(
    r"(?<!\d)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}\.?\s\w{3,10}\.?,?"
    r"\s\d{4}|\w{3,10}\.?\s\d{1,2},?\s\d{4})(?!\d)"
)
# Words that say "wrote" (or "has written") in an attribution line.
_VERBS = (
    r"skrev|wrote|writes|kirjoitti|schrieb|geschrieben|a\s+écrit|écrit|schreef|geschreven"
    r"|ha\s+scritto|scrisse|escribió|escribio|napisał\(a\)|napisał|napisała|napisal|napisana"
    r"|pisze|escreveu|skriver|napsal\(a\)|napsal|napsala|írta|irta"
)
_VERB = re.compile(rf"(?:^|[\s>),\]])(?:{_VERBS})[\s:]{{0,3}}$", re.IGNORECASE)
_VERB_ANYWHERE = re.compile(rf"(?<!\w)(?:{_VERBS})(?!\w)", re.IGNORECASE)
_OPENER = re.compile(
    r"^[ \t>]{0,40}(?:den|on|le|am|el|il|op|w\s+dniu|dnia|dne|i\s+dag|tors|fre|mån|tis|ons|lör|sön"
    r"|mon|tue|wed|thu|fri|sat|sun|ma|ti|ke|to|pe|la|su|\d)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


def _cap(line: str) -> str:
    return line[:MAX_LINE]


def field_kind(line: str) -> str | None:
    """'from', 'sent', 'to', 'subject' or 'cc' for a header-like line ("Von: …"), else None."""
    if len(line) > MAX_LINE:
        return None
    match = _FIELD.match(line.lstrip(" \t>"))
    return _KIND_OF.get(match.group(1).lower()) if match else None


def is_header_field(line: str) -> bool:
    return field_kind(line) is not None


def is_quote_separator(line: str) -> bool:
    line = _cap(line)
    return bool(_SEPARATOR.match(line) or _RULE.match(line) or _FORWARD_SENTENCE.match(line))


def _bare(line: str) -> str:
    return _cap(line).strip().lstrip("> ").strip()


def has_verb_end(line: str) -> bool:
    """The line ends with an attribution's verb ("… skrev:", "… wrote", "… a écrit :")."""
    return bool(_VERB.search(_bare(line)))


def is_attribution_part(line: str) -> bool:
    """Part of an attribution line next to a proven quote, also when the client wrapped it."""
    stripped = _bare(line)
    dated = _TIME.search(stripped) or _DATE.search(stripped)
    return bool(
        _VERB.search(stripped)
        or (stripped.endswith(":") and dated and _ADDRESS.search(stripped)
            and _VERB_ANYWHERE.search(stripped))
        or re.search(r"@[\w.-]{1,200}>?\)?[ \t]{0,5}:$", stripped)
        or (stripped.endswith("<") and _TIME.search(stripped))
    )


def attribution_lines(lines: list[str], end: int) -> int:
    """How many lines just above `end` (a '>' block) are the client's attribution, 0 if none.

    The verb may end the last line or stand further up when the client wrapped the address
    onto the next line; a time or date run into the name ("10:15Anna") still counts.
    """
    paragraph: list[str] = []
    i = end
    while i > 0 and len(paragraph) < 4:
        line = lines[i - 1]
        if not line.strip():
            if paragraph:
                break
            i -= 1
            continue
        paragraph.insert(0, line)
        i -= 1
    if not paragraph or any(len(line) > MAX_LINE for line in paragraph):
        return 0
    last = _bare(paragraph[-1])
    if last.endswith(":") and _ADDRESS.search(last) and (_TIME.search(last) or _DATE.search(last)):
        # Old Gmail and some phones: "2015-10-03 10:15 GMT+02:00 Kim <kim@…>:", no verb.
        return 1 + sum(1 for line in lines[i + len(paragraph):end] if not line.strip())
    blank_below = sum(1 for line in lines[i + len(paragraph):end] if not line.strip())
    for k in range(1, len(paragraph) + 1):
        joined = " ".join(_bare(line) for line in paragraph[-k:])
        if not (joined.endswith(":") or has_verb_end(paragraph[-1])):
            return 0
        verb = _VERB_ANYWHERE.search(joined) is not None
        signs = _TIME.search(joined) or _DATE.search(joined) or _ADDRESS.search(joined)
        if verb and (signs or len(paragraph) == 1):
            return k + _extend_up(paragraph[:-k]) + blank_below
    return 0


def _extend_up(above: list[str]) -> int:
    """Lines above a found attribution that still belong to it (date and name wrapped away)."""
    count = 0
    for line in reversed(above):
        stripped = _bare(line)
        if stripped.endswith((".", "!", "?")) or len(stripped) > 120:
            break
        if not (_TIME.search(stripped) or _DATE.search(stripped) or _OPENER.match(stripped)):
            break
        count += 1
    return count


def _header_block_at(lines: list[str], i: int) -> bool:
    """A client's header block starting here: From, a date, and a recipient or subject.

    In any order (web.de puts the date first), on consecutive lines.
    """
    if field_kind(lines[i]) is None or (i and field_kind(lines[i - 1])):
        return False
    kinds = set()
    for line in lines[i : i + 8]:
        kind = field_kind(line)
        if kind:
            kinds.add(kind)
        elif not line.strip() or len(kinds) >= 4:
            break
    return {"from", "sent"} <= kinds and bool({"to", "subject"} & kinds)


def strict_attribution_at(lines: list[str], i: int) -> bool:
    """'Den tors 24 nov. 2022 kl 10:15 skrev Kim <kim@…>:' with a date or time and an address.

    Needed where no '>' block follows (the client left the quote unmarked).
    """
    joined = ""
    for line in lines[i : i + 3]:
        if not line.strip() or len(line) > MAX_LINE:
            break
        joined = f"{joined} {_bare(line)}".strip()
        if has_verb_end(line) or joined.endswith(":"):
            break
    if not (joined.endswith(":") or _VERB.search(joined)):
        return False
    if not _VERB_ANYWHERE.search(joined):
        return False
    dated = bool(_TIME.search(joined) or _DATE.search(joined))
    address = bool(_ADDRESS.search(joined))
    if dated and address and _OPENER.match(joined):
        return True
    # Without a date ("kim <kim@…> wrote:") or without an address ("On Monday, …, Kim wrote:"),
    # the verb must end a short line.
    verb_end = len(joined) < 200 and bool(_VERB.search(joined)) and joined.endswith(":")
    return verb_end and (address or (dated and bool(_OPENER.match(joined))))


def find_client_quote(lines: list[str]) -> tuple[int, str] | None:
    """First line of an unmarked quote (the rest of the mail is history), and which pattern.

    '>' quoting is not here: the reader handles it block by block, because an answer may stand
    below or between quoted lines.
    """
    for i, line in enumerate(lines):
        if not line.strip() or len(line) > MAX_LINE or line.lstrip().startswith(">"):
            continue  # a '>' block is quote anyway, and an answer may follow it
        if _SEPARATOR.match(line) or _FORWARD_SENTENCE.match(line):
            return i, "an 'original message' separator"
        if _RULE.match(line) and any(_header_block_at(lines, j) for j in range(i + 1, i + 3)
                                     if j < len(lines)):
            return i, "a rule above a header block"
        if _header_block_at(lines, i):
            return i, "a quoted header block"
        if strict_attribution_at(lines, i):
            following = [x for x in lines[i + 1 : i + 6] if x.strip()]
            if not following or not following[0].lstrip().startswith(">"):
                return i, "an attribution line"
    return None


def looks_like_thread(lines: list[str], subject: str) -> str | None:
    """Why a body without a found quote still looks like a mail thread, or None."""
    fields = sum(1 for line in lines if field_kind(line))
    if fields >= 2:
        return "header-like lines"
    if any(_RULE.match(_cap(line)) for line in lines):
        return "a rule line"
    topic = re.sub(r"^(?:\s*(?:re|sv|vs|aw|wg|fw|fwd|tr|rv|odp|antw|r)\s*:\s*)+", "",
                   subject[:300], flags=re.IGNORECASE).strip().casefold()
    if len(topic) >= 12 and any(topic in _cap(line).casefold() for line in lines):
        return "our subject repeated"
    for line in lines:
        bare = _bare(line)
        if len(bare) < 160 and (_TIME.search(bare) and _DATE.search(bare)) and (
                has_verb_end(line) or bare.endswith(":") or _ADDRESS.search(bare)):
            return "an old date line"
    return None
