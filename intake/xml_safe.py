"""Text that every report format can hold: the characters XML 1.0 forbids are taken out.

A NUL, a stray control character or a C1 control (a Windows-1252 byte read as Latin-1 from a
mail without a declared charset) made python-docx, Typst and some browsers give up on a whole
report. Text from people passes through `xml_safe` where it comes in (answers, roster names)
and once more where a report is rendered, so an answer stored before this fix renders too.
The raw message stays untouched in the inbox.
"""

from __future__ import annotations

import re

# C0 controls but tab, LF and CR; DEL; C1 controls; lone surrogates; U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Vertical tab and form feed are how Word and some terminals write a line or page break.
BREAKS = {"\x0b": "\n", "\x0c": "\n"}
LONE_SURROGATE = "\ufffd"


def _replacement(char: str) -> str:
    if char in BREAKS:
        return BREAKS[char]
    code = ord(char)
    if 0x80 <= code <= 0x9F:
        # A C1 control is almost always a Windows-1252 byte decoded as Latin-1: 0x96 was a
        # dash, 0x92 an apostrophe. Give back that character; the five bytes 1252 leaves
        # undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) mean nothing and are dropped.
        try:
            return bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    if 0xD800 <= code <= 0xDFFF:
        return LONE_SURROGATE  # a broken decoding: mark the place rather than hide it
    return ""  # NUL, other C0 controls, DEL, U+FFFE/U+FFFF carry nothing a reader sees


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced or removed (linear time)."""
    if not text or FORBIDDEN.search(text) is None:
        return text
    return FORBIDDEN.sub(lambda match: _replacement(match.group()), text)


def xml_safe_or_none(text: str | None) -> str | None:
    return None if text is None else xml_safe(text)
