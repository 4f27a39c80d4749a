"""Telegram's HTML parse mode, as the Bot API server applies it.

A port of the parser in TDLib (``td/telegram/MessageEntity.cpp``, ``parse_html``), which
is what the real Bot API runs: the same accepted tags, the same lenient ``&`` handling and
the same error texts (after "Bad Request: can't parse entities: "). Being as strict as
Telegram, and no stricter, is the point: a test that passes here must not fail there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Tag -> entity type. Anything else is "Unsupported start tag", notably <br> and <p>.
_TAG_TYPES = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\n\r\f\v"


class HtmlParseError(ValueError):
    """The text is not Telegram HTML; the message is Telegram's own wording."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _char_at(text: bytes, i: int) -> str:
    # TDLib reads a NUL-terminated buffer; "\0" stands for "past the end" here too.
    return chr(text[i]) if i < len(text) else "\0"


def decode_entity(text: bytes, pos: int) -> tuple[str, int] | None:
    """Decode ``&...`` at pos; None leaves the ``&`` as a literal (Telegram does too)."""
    end = pos + 1
    if _char_at(text, end) == "#":
        end += 1
        hexadecimal = _char_at(text, end) == "x"
        end += hexadecimal
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        value = 0
        while _char_at(text, end) in digits and _char_at(text, end) != "\0":
            value = value * (16 if hexadecimal else 10) + int(_char_at(text, end), 16)
            end += 1
            if value >= 0x10FFFF:
                return None
        if value == 0 or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while _char_at(text, end).isascii() and _char_at(text, end).isalpha():
            end += 1
        name = text[pos + 1 : end].decode()
        if name not in _NAMED_ENTITIES:
            return None
        char = _NAMED_ENTITIES[name]
    if _char_at(text, end) == ";":
        end += 1
    return char, end


def parse_html(html: str) -> ParsedText:
    """Return the plain text and its entities, or raise HtmlParseError."""
    raw = html.encode("utf-8")
    out: list[str] = []
    offset = 0  # UTF-16 offset of the output so far
    stack: list[_Open] = []
    entities: list[dict] = []
    i = 0
    while i < len(raw):
        c = _char_at(raw, i)
        if c == "&" and (decoded := decode_entity(raw, i)):
            out.append(decoded[0])
            offset += utf16_len(decoded[0])
            i = decoded[1]
        elif c != "<":
            j = _utf8_char_end(raw, i)
            char = raw[i:j].decode("utf-8")
            out.append(char)
            offset += utf16_len(char)
            i = j
        elif _char_at(raw, i + 1) != "/":
            opened, i = _parse_start_tag(raw, i)
            opened.utf16_offset = offset
            stack.append(opened)
        else:
            i = _close_tag(raw, i, stack, offset, entities)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    # Outer entities first; on equal spans the outer one closed later, hence -index.
    order = sorted(enumerate(entities), key=lambda p: (p[1]["offset"], -p[1]["length"], -p[0]))
    return ParsedText("".join(out), _merge_pre_code([e for _, e in order]))


def _utf8_char_end(raw: bytes, i: int) -> int:
    j = i + 1
    while j < len(raw) and raw[j] & 0xC0 == 0x80:
        j += 1
    return j


def _parse_start_tag(raw: bytes, begin: int) -> tuple[_Open, int]:
    i = begin + 1
    while _char_at(raw, i) not in _SPACES + ">\0":
        i += 1
    if _char_at(raw, i) == "\0":
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    tag = raw[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in _TAG_TYPES:
        raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    while _char_at(raw, i) != ">":
        name, value, i = _parse_attribute(raw, i, tag, begin)
        if name is None:
            break
        argument = _tag_argument(tag, name, value, argument)
    if tag == "span" and argument != "spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return _Open(tag, argument, 0), i + 1


def _parse_attribute(raw: bytes, i: int, tag: str, begin: int) -> tuple[str | None, str, int]:
    while _char_at(raw, i) in _SPACES and _char_at(raw, i) != "\0":
        i += 1
    if _char_at(raw, i) == ">":
        return None, "", i
    name_start = i
    while _char_at(raw, i) not in _SPACES + "=>\0":
        i += 1
    name = raw[name_start:i].decode("utf-8", "replace")
    if not name:
        raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
    while _char_at(raw, i) in _SPACES and _char_at(raw, i) != "\0":
        i += 1
    if _char_at(raw, i) != "=" and (tag, name) == ("blockquote", "expandable"):
        return name, "", i  # the one attribute Telegram documents without a value
    if _char_at(raw, i) != "=":
        raise HtmlParseError(
            f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
            f"at byte offset {begin}"
        )
    i += 1
    while _char_at(raw, i) in _SPACES and _char_at(raw, i) != "\0":
        i += 1
    if _char_at(raw, i) == "\0":
        raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
    value, i = _parse_attribute_value(raw, i)
    if _char_at(raw, i) == "\0":
        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
    return name, value, i


def _parse_attribute_value(raw: bytes, i: int) -> tuple[str, int]:
    quote = _char_at(raw, i)
    if quote not in "'\"":
        # An unquoted name token: letters, digits, periods and hyphens only.
        start = i
        while (c := _char_at(raw, i)) != "\0" and (c.isascii() and c.isalnum() or c in ".-"):
            i += 1
        if _char_at(raw, i) not in _SPACES + ">":
            raise HtmlParseError(f"Unexpected end of name token at byte offset {start}")
        return raw[start:i].decode().lower(), i
    i += 1
    value: list[str] = []
    while (c := _char_at(raw, i)) != quote and c != "\0":
        if c == "&" and (decoded := decode_entity(raw, i)):
            value.append(decoded[0])
            i = decoded[1]
            continue
        j = _utf8_char_end(raw, i)
        value.append(raw[i:j].decode("utf-8", "replace"))
        i = j
    if _char_at(raw, i) == quote:
        i += 1
    return "".join(value), i


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current


def _close_tag(raw: bytes, begin: int, stack: list[_Open], offset: int, out: list[dict]) -> int:
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
    i = begin + 2
    while _char_at(raw, i) not in _SPACES + ">\0":
        i += 1
    end_name = raw[begin + 2 : i].decode("utf-8", "replace")
    while _char_at(raw, i) in _SPACES and _char_at(raw, i) != "\0":
        i += 1
    if _char_at(raw, i) != ">":
        raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
    opened = stack.pop()
    if end_name and end_name != opened.tag:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", '
            f'found "</{end_name}>"'
        )
    length = offset - opened.utf16_offset
    if length > 0:
        out.append(_entity(opened, length))
    return i + 1


def _entity(opened: _Open, length: int) -> dict:
    kind = _TAG_TYPES[opened.tag]
    entity: dict = {"type": kind, "offset": opened.utf16_offset, "length": length}
    if kind == "text_link":
        entity["url"] = opened.argument
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = opened.argument
    elif kind == "code" and opened.argument:
        entity["language"] = opened.argument
    elif kind == "blockquote" and opened.argument:
        entity["type"] = "expandable_blockquote"
    return entity


def _merge_pre_code(entities: list[dict]) -> list[dict]:
    """``<pre><code class="language-x">`` is one pre entity with a language in Telegram."""
    merged: list[dict] = []
    for entity in entities:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous["type"] == "pre"
            and entity["type"] == "code"
            and (previous["offset"], previous["length"]) == (entity["offset"], entity["length"])
        ):
            if "language" in entity:
                previous["language"] = entity["language"]
            continue
        if entity["type"] == "code":
            entity.pop("language", None)  # only pre carries a language in the Bot API
        merged.append(entity)
    return merged
