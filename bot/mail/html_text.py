"""HTML mail bodies to plain text with the standard library's parser: lines, paragraphs, lists."""

import re
from html.parser import HTMLParser

_SKIPPED = {"style", "script", "head", "title", "xml"}
_LINE_BREAKING = {
    "div", "br", "tr", "li", "ul", "ol", "table", "blockquote", "hr", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "section", "article",
}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre"}
# Outlook's own bullet: a Symbol-font '·' or '•', then non-breaking spaces, at the start of a line.
_OUTLOOK_BULLET = re.compile(r"^(>* ?)[·•§o]\s{2,}", re.MULTILINE)
_MARKER_ONLY = re.compile(r"^(?:> )*\s*(?:- |\d+\. )$")
_OUTLOOK_NUMBER = re.compile(r"^(>* ?)(\d{1,2}[.)])\s{2,}", re.MULTILINE)
# A tag the parser can take in one step: closed by '>' before the next '<'. Any other '<' is
# text; html.parser rescans unclosed tags to the end, which made "<div" x 10 000 quadratic.
_TAG = re.compile(
    r"<(?:[A-Za-z/][^<>]{0,4000}|!\[[^<>\]]{0,4000}\]|![A-Za-z][^<>]{0,4000}|\?[^<>]{0,4000})>"
)
MAX_QUOTE_DEPTH = 20  # deeper quotes are shown at this depth: the text must not multiply


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0
        self.lists: list[list[int | None]] = []  # one [counter] per open list; None means bullets

    def _newline(self, blank: bool = False) -> None:
        if _MARKER_ONLY.match(self.lines[-1]):
            return  # <li><div>text</div></li>: the item's text belongs on the marker's line
        if self.lines[-1].strip(" >"):
            self.lines.append("")
        if blank and (len(self.lines) < 2 or self.lines[-2].strip(" >")):
            self.lines.append("")

    def _write(self, text: str) -> None:
        if not self.lines[-1].strip(" >"):
            self.lines[-1] = "> " * min(self.quote_depth, MAX_QUOTE_DEPTH)
        self.lines[-1] += text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip_depth += 1
            return
        if tag == "br":
            # A <br> ends the line even when it is empty: a blank line (inside a quote, a '>').
            self.lines.append(("> " * min(self.quote_depth, MAX_QUOTE_DEPTH)).rstrip())
        elif tag in _LINE_BREAKING or tag == "p":
            self._newline(blank=self._paragraph_like(tag, attrs))
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
        elif tag in ("ul", "ol"):
            self.lists.append([0 if tag == "ol" else None])
        elif tag == "li":
            self._write(self._list_marker())
        elif tag == "hr":
            self._write("-" * 20)
            self._newline()
        elif tag in ("td", "th") and self.lines[-1].strip():
            self._write(" ")

    def _paragraph_like(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag != "p":
            return tag in _PARAGRAPH and not self.lists
        # Outlook writes every line as a margin-less <p class=MsoNormal>; those are lines.
        css = " ".join(v or "" for k, v in attrs if k in ("class", "style")).lower()
        return "mso" not in css and "margin:0" not in css.replace(" ", "")

    def _list_marker(self) -> str:
        if not self.lists:
            return "- "
        counter = self.lists[-1]
        if counter[0] is None:
            return "  " * (len(self.lists) - 1) + "- "
        counter[0] += 1
        return "  " * (len(self.lists) - 1) + f"{counter[0]}. "

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _LINE_BREAKING or tag == "p":
            self._newline(blank=tag in _PARAGRAPH and tag != "p" and not self.lists)
        if tag == "p":
            self._newline()
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self.lines.append("")
                self._write(part)
            return
        text = re.sub(r"[ \t\r\n\f]+", " ", data)
        if not self.lines[-1].strip(" >"):
            text = text.lstrip(" ")
        if text:
            self._write(text)


def safe_markup(html: str) -> str:
    """The same HTML with every '<' that does not open a complete tag or comment as '&lt;'.

    One pass: each step copies a whole tag or comment, or escapes one character.
    """
    out: list[str] = []
    pos = 0
    comments_end = True  # False once no '-->' is left: later '<!--' cannot close
    while True:
        i = html.find("<", pos)
        if i < 0:
            out.append(html[pos:])
            return "".join(out)
        out.append(html[pos:i])
        if html.startswith("<!--", i):
            end = html.find("-->", i + 4) if comments_end else -1
            comments_end = end >= 0
            if end >= 0:
                out.append(html[i : end + 3])
                pos = end + 3
                continue
        else:
            tag = _TAG.match(html, i)
            if tag:
                out.append(tag.group(0))
                pos = tag.end()
                continue
        out.append("&lt;")
        pos = i + 1


def html_to_text(html: str) -> str:
    """Readable text of an HTML body; blockquoted parts come out as '> ' lines."""
    collector = _TextCollector()
    try:
        collector.feed(safe_markup(html))
        collector.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient, but a mail must never crash us
        pass
    lines = [line.replace("\xa0", " ").rstrip() for line in collector.lines]
    text = "\n".join(lines)
    text = _OUTLOOK_BULLET.sub(r"\1• ", text)
    text = _OUTLOOK_NUMBER.sub(r"\1\2 ", text)
    text = re.sub(r"\n(?:>* *\n)+(?=>* *\n)", "\n", text)  # at most one blank line in a row
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")
