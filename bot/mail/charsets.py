"""Turning the bytes of a mail part into text, whatever its charset label says."""

import codecs
import re

_SURROGATE = re.compile("[\udc80-\udcff]")
# Labels that mean ISO-8859-1 (or less); such text is decoded as windows-1252, which agrees on
# every printable byte and gives the curly quotes and dashes Outlook puts in 0x80-0x9F.
_LATIN1_NAMES = {codecs.lookup(x).name for x in ("iso-8859-1", "us-ascii")}


def _canonical(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().strip('"')).name
    except (LookupError, ValueError):
        return None


def decode_windows_1252(data: bytes) -> str:
    """windows-1252, reading the five bytes it leaves undefined as ISO-8859-1 instead of failing."""
    text = data.decode("cp1252", errors="surrogateescape")
    return _SURROGATE.sub(lambda m: chr(ord(m.group()) - 0xDC00), text)


def decode_text(data: bytes, label: str | None) -> str:
    """Decode a body; never raises. Unknown or missing labels try UTF-8, then windows-1252."""
    name = _canonical(label) if label else None
    if name is None or name in _LATIN1_NAMES:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return decode_windows_1252(data)
    if name == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # Mislabelled mail is mostly windows-1252; a few broken bytes in UTF-8 are not.
            return _utf8_or_1252(data)
    if name == "cp1252":
        return decode_windows_1252(data)
    try:
        return data.decode(name, errors="replace")
    except LookupError:  # a codec that is no text encoding, e.g. a label of "base64"
        return decode_text(data, None)


def _utf8_or_1252(data: bytes) -> str:
    loose = data.decode("utf-8", errors="replace")
    if loose.count("\ufffd") * 2 > sum(b >= 0x80 for b in data):
        return decode_windows_1252(data)
    return loose
