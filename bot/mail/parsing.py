"""Reading a raw inbound e-mail into an IncomingMail: headers, addresses and the best text body.

Never raises: broken mail gives whatever could be read, so the raw bytes can always be stored
and looked at by a person.
"""

import base64
import email
import email.message
import email.utils
import quopri
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.mail.charsets import decode_text
from bot.mail.flowed import decode_flowed
from bot.mail.html_text import html_to_text

_MSG_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class IncomingMail:
    """What was read from one inbound mail. Message ids keep their angle brackets: '<id@host>'."""

    from_address: str
    from_name: str
    to_addresses: list[str]
    subject: str
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    date: datetime | None
    text: str
    html: str | None
    headers: Mapping[str, list[str]]
    content_type: str
    # For multipart/report delivery reports: one dict per recipient of the message/delivery-status
    # part (lower-cased field names), the per-message fields merged into each.
    delivery_status: list[dict[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """The first value of a header (name in any case), or None."""
        values = self.headers.get(name.lower())
        return values[0] if values else None


def parse_mail(raw: bytes) -> IncomingMail:
    """Parse raw RFC 5322 bytes. Missing or unreadable parts come out empty, never as an error."""
    try:
        msg = email.message_from_bytes(raw)
    except Exception:  # noqa: BLE001 - the parser is lenient; this guards against the unforeseen
        msg = email.message.Message()
    headers = _raw_headers(msg)
    from_name, from_address = _first_address(_plain(msg, "from"))
    text, html, report = _bodies(msg)
    return IncomingMail(
        from_address=from_address,
        from_name=from_name,
        to_addresses=[addr.lower() for _, addr in _addresses(_plain(msg, "to")) if addr],
        subject=_decoded(msg, "subject"),
        message_id=_first_id(_plain(msg, "message-id")),
        in_reply_to=_first_id(_plain(msg, "in-reply-to")),
        references=_MSG_ID.findall(_plain(msg, "references")),
        date=_date(_plain(msg, "date")),
        text=text,
        html=html,
        headers=headers,
        content_type=_safe(lambda: msg.get_content_type(), "text/plain"),
        delivery_status=report,
    )


def _safe(read, default):  # type: ignore[no-untyped-def]
    try:
        return read()
    except Exception:  # noqa: BLE001 - a broken header or part gives the default, never a crash
        return default


def _unsurrogate(value: str) -> str:
    """Raw 8-bit header bytes come from the parser as surrogates; give them back as text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), None)


def _plain(msg: email.message.Message, name: str) -> str:
    """A header's first value, unfolded, RFC 2047 words left encoded; '' when missing."""
    for key, value in _safe(msg.raw_items, []):
        if key.strip().lower() == name:
            return _unfold(value)
    return ""


def _unfold(value: object) -> str:
    return _unsurrogate(re.sub(r"\r?\n(?=[ \t])", "", str(value))).strip()


def _raw_headers(msg: email.message.Message) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    # raw_items, not items: items() turns raw 8-bit bytes into replacement characters.
    for name, value in _safe(msg.raw_items, []):
        headers.setdefault(name.strip().lower(), []).append(_unfold(value))
    return headers


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def decode_words(value: str) -> str:
    """Decode RFC 2047 words leniently: bad padding, unknown charsets, iso-8859-1 as 1252."""
    value = re.sub(r"(?<=\?=)\s+(?==\?)", "", value)  # whitespace between words is not content
    return _ENCODED_WORD.sub(_decode_word, value)


def _decode_word(match: re.Match[str]) -> str:
    charset, encoding, payload = match.group(1).split("*")[0], match.group(2), match.group(3)
    try:
        data = _b64(payload) if encoding.upper() == "B" else _q(payload)
    except Exception:  # noqa: BLE001 - an unreadable word stays as it was written
        return match.group(0)
    return decode_text(data, charset)


def _b64(payload: str) -> bytes:
    return base64.b64decode(payload + "=" * (-len(payload) % 4))


def _q(payload: str) -> bytes:
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=False)


def _decoded(msg: email.message.Message, name: str) -> str:
    return decode_words(_plain(msg, name))


def _addresses(raw: str) -> list[tuple[str, str]]:
    pairs = _safe(lambda: email.utils.getaddresses([raw]), [])
    return [(decode_words(name), addr.strip().lower()) for name, addr in pairs if addr or name]


def _first_address(raw: str) -> tuple[str, str]:
    pairs = _addresses(raw)
    return pairs[0] if pairs else ("", "")


def _first_id(raw: str) -> str | None:
    found = _MSG_ID.search(raw)
    if found:
        return found.group(0)
    # Some senders leave out the brackets; anything else malformed is no id at all.
    return f"<{raw}>" if raw and not re.search(r"[\s<>]", raw) else None


def _date(raw: str) -> datetime | None:
    parsed = _safe(lambda: email.utils.parsedate_to_datetime(raw), None) if raw else None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # "-0000": a time in UTC without a zone
    return parsed


def _leaves(part: email.message.Message) -> Iterator[email.message.Message]:
    """The parts in order, not descending into attached messages (a bounce's original mail)."""
    payload = _safe(part.get_payload, None)
    if part.get_content_maintype() == "multipart" and isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, email.message.Message):
                yield from _leaves(sub)
    else:
        yield part


def _is_attachment(part: email.message.Message) -> bool:
    disposition = _safe(lambda: part.get_content_disposition(), None)
    return disposition == "attachment"


def _part_text(part: email.message.Message) -> str:
    data = _safe(lambda: part.get_payload(decode=True), None)
    if not isinstance(data, bytes):
        return ""
    text = decode_text(data, _safe(part.get_content_charset, None)).replace("\r\n", "\n")
    flowed = str(_safe(lambda: part.get_param("format"), "")).lower() == "flowed"
    if flowed and part.get_content_type() == "text/plain":
        delsp = str(_safe(lambda: part.get_param("delsp"), "")).lower() == "yes"
        text = decode_flowed(text, delsp=delsp)
    return text


def _bodies(msg: email.message.Message) -> tuple[str, str | None, list[dict[str, str]]]:
    """The first plain and HTML bodies that are not attachments, and any delivery status."""
    plain: str | None = None
    html: str | None = None
    report: list[dict[str, str]] = []
    for part in _safe(lambda: list(_leaves(msg)), [msg]):
        ctype = _safe(part.get_content_type, "text/plain")
        if ctype == "message/delivery-status" and not report:
            report = _delivery_status(part)
        elif _is_attachment(part):
            continue
        elif ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and html is None:
            html = _part_text(part)
    if plain is None or (not plain.strip() and html):
        plain = html_to_text(html) if html else ""
    return plain, html, report


def _field_groups(part: email.message.Message) -> list[list[tuple[str, str]]]:
    payload = _safe(part.get_payload, None)
    if isinstance(payload, list):
        subs = [sub for sub in payload if isinstance(sub, email.message.Message)]
        return [list(_safe(sub.items, [])) for sub in subs]
    text = _part_text(part) if isinstance(payload, str) else ""
    groups = []
    for block in re.split(r"\n\s*\n", text):
        fields = re.findall(r"^([\w-]+):[ \t]*(.*(?:\n[ \t].*)*)", block, re.MULTILINE)
        if fields:
            groups.append(fields)
    return groups


def _delivery_status(part: email.message.Message) -> list[dict[str, str]]:
    """RFC 3464 fields: per-message fields first, then one group per recipient."""
    groups = [
        {name.lower(): re.sub(r"\s+", " ", _unsurrogate(str(value))).strip() for name, value in g}
        for g in _field_groups(part)
    ]
    if len(groups) < 2:
        return groups
    return [{**groups[0], **recipient} for recipient in groups[1:]]
