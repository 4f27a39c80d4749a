"""The new text of a reply: without quoted history, signature, legal disclaimer or phone footer.

The surest marker of where the quote begins is the bot's own text (question, token) quoted back;
mail clients' header patterns are only the fallback, and a cut made by them alone is flagged as
unsure so the coordinator can check it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.mail.html_text import html_to_text
from bot.mail.parsing import IncomingMail
from bot.mail.reply_patterns import (
    find_client_quote,
    is_attribution_part,
    is_header_field,
    is_quote_separator,
)
from bot.mail.reply_tail import strip_tail

_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_HTML_DIVIDERS = re.compile(
    r"<div[^>]*\bid=[\"']?(?:appendonsend|divRplyFwdMsg)"
    r"|<hr[^>]*display:\s*inline-block"
    r"|<div[^>]*border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)"
    r"|<div[^>]*class=[\"']?gmail_quote"
    r"|<div[^>]*class=[\"']?moz-cite-prefix"
    r"|<blockquote[^>]*type=[\"']?cite",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Extraction:
    """The answer text; confident=False means a person should check it (reason says why)."""

    text: str
    confident: bool
    reason: str


class _SentText:
    """What the bot sent in this thread, normalised for finding it quoted back."""

    def __init__(self, sent_texts: Sequence[str]) -> None:
        words = [t.strip().casefold() for t in sent_texts]
        self.tokens = [t for t in words if t and not re.search(r"\s", t)]
        lines = [normalise(line) for text in sent_texts for line in text.splitlines()]
        self.lines = {line for line in lines if line}
        self.long_lines = [line for line in self.lines if len(line) >= 25]
        self.blob = " ".join(lines)

    def strong(self, line: str) -> bool:
        """A line that can only be our own text quoted back (or rewrapped by the client)."""
        norm = normalise(line)
        if any(token in norm for token in self.tokens):
            return True
        if len(norm) >= 20 and norm in self.blob:
            return True
        return any(sent in norm for sent in self.long_lines)

    def weak(self, line: str) -> bool:
        """A short line of ours, e.g. the greeting, which an answer could also contain."""
        return normalise(line) in self.lines

    def anchor(self, lines: list[str]) -> int | None:
        """First line of our quoted text: a strong match with another one close below it.

        Two are needed when we sent more than one long line, so that an answer citing one
        sentence of the question is not taken for the quote.
        """
        strong = [i for i, line in enumerate(lines) if self.strong(line)]
        if len(self.long_lines) + len(self.tokens) < 2:
            return strong[0] if strong else None
        for first, second in zip(strong, strong[1:], strict=False):
            if second - first <= 8:
                return first
        return None


def normalise(line: str) -> str:
    line = _INVISIBLE.sub("", line).replace("\xa0", " ")
    line = re.sub(r"^[\s>]+", "", line)
    return re.sub(r"\s+", " ", line).strip().casefold()


def extract_reply(mail: IncomingMail, sent_texts: Sequence[str] = ()) -> Extraction:
    """Only the new text of a reply, as written: paragraphs, lists and quotation marks kept."""
    sent = _SentText(sent_texts)
    html_only = mail.html is not None and mail.text == html_to_text(mail.html)
    divider = _HTML_DIVIDERS.search(mail.html) if html_only and mail.html else None
    if mail.html and divider:
        new_lines = html_to_text(mail.html[: divider.start()]).split("\n")
        quoted = html_to_text(mail.html[divider.start():]).split("\n")
        if sent.anchor(quoted) is not None:
            return _finish(new_lines, mail, True, "cut at the HTML quote, our own text is below it")
        return _finish(new_lines, mail, False, "cut at the HTML quote divider only")
    lines = _INVISIBLE.sub("", mail.text).split("\n")
    anchor = sent.anchor(lines)
    if anchor is not None:
        start = _walk_up(lines, anchor, sent)
        return _finish(lines[:start], mail, True, "our own text quoted back")
    cut = find_client_quote(lines)
    if cut is not None:
        reason = f"cut at {cut[1]} only; our own text not found"
        return _finish(lines[: cut[0]], mail, False, reason)
    return _finish(lines, mail, True, "no quoted text")


def _walk_up(lines: list[str], anchor: int, sent: _SentText) -> int:
    """From our quoted text, go up over what belongs to the quote: header block, attribution."""
    i = anchor
    while i > 0:
        line = lines[i - 1]
        quote_like = not line.strip() or line.lstrip().startswith(">") or sent.weak(line)
        client_like = is_header_field(line) or is_quote_separator(line)
        if not (quote_like or client_like or is_attribution_part(line)):
            break
        i -= 1
    return i


def _finish(lines: list[str], mail: IncomingMail, confident: bool, reason: str) -> Extraction:
    body = strip_tail([line.rstrip() for line in lines], mail.from_name, mail.from_address)
    text = "\n".join(body).strip("\n")
    if not text.strip():
        return Extraction("", False, "no new text above the quote")
    return Extraction(text, confident, reason)
