"""The new text of a reply, as the person meant it: from any mail client, in any language.

The answer is everything the contact wrote and nothing else: not a salutation alone on top,
not the closing and what follows it, not quoted history (above, below or around the answer).
Quoted lines between two pieces of the contact's own text stay, because they give a
point-by-point answer its structure. The surest marker of the quote is the bot's own text
quoted back; mail clients' patterns are the fallback, and a cut made by them alone, or a body
that still looks like a thread, is flagged so the coordinator can check it. When unsure, the
text is kept and flagged, never dropped.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.mail.html_text import html_to_text
from bot.mail.parsing import IncomingMail, parse_mail
from bot.mail.reply_patterns import (
    attribution_lines,
    find_client_quote,
    is_attribution_part,
    is_header_field,
    is_quote_separator,
    looks_like_thread,
)
from bot.mail.reply_tail import (
    is_footer_line,
    is_greeting,
    strip_banner,
    strip_greeting,
    strip_tail,
)

_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_LEADING_MARKS = re.compile(r"^[\s>]+")
_SPACES = re.compile(r"\s+")
# Outlook and OWA do not quote with '>': their HTML marks where the history starts. Found by
# a keyword first, then the tag around it is checked, so "<div" x 10 000 costs one pass.
_DIVIDER_HINT = re.compile(
    r"appendonsend|divRplyFwdMsg|mail-editor-reference-message|display:\s{0,5}inline-block"
    r"|border-top:\s{0,5}solid\s{1,5}#(?:E1E1E1|B5C4DF)",
    re.IGNORECASE,
)
_SENTINEL = "\ue000intake-quote-starts\ue000"
# Beyond these the reader does not guess: the whole text is kept and flagged.
MAX_CHARS = 100_000
MAX_LINES = 3_000
MAX_HTML = 2_000_000


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
        self.vocabulary = set(re.findall(r"\w+", self.blob))

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

    def ours(self, line: str) -> bool:
        """Any piece of our text, however the client wrapped it, or mostly our words."""
        norm = normalise(line)
        if not norm or norm in self.lines or norm in self.blob or self.strong(line):
            return True
        words = re.findall(r"\w+", norm)
        return bool(words) and sum(w in self.vocabulary for w in words) * 2 > len(words)

    def anchor(self, lines: list[str]) -> int | None:
        """First line of our quoted text: a strong match with another one close below it.

        Two are needed when we sent more than one long line, so that an answer citing one
        sentence of the question is not taken for the quote.
        """
        strong = [i for i, line in enumerate(lines) if line and self.strong(line)]
        if len(self.long_lines) + len(self.tokens) < 2:
            return strong[0] if strong else None
        for first, second in zip(strong, strong[1:], strict=False):
            if second - first <= 8:
                return first
        return None


def normalise(line: str) -> str:
    line = _INVISIBLE.sub("", line).replace("\xa0", " ")
    line = _LEADING_MARKS.sub("", line)
    return _SPACES.sub(" ", line).strip().casefold()


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def extract_reply(mail: IncomingMail, sent_texts: Sequence[str] = ()) -> Extraction:
    """Only the new text of a reply, as written: paragraphs, lists and quotation marks kept."""
    lines, divider = _body_lines(mail)
    if sum(len(line) + 1 for line in lines) > MAX_CHARS or len(lines) > MAX_LINES:
        text = "\n".join(line.rstrip() for line in lines).strip("\n")
        return Extraction(text, False, "too long to read with certainty; kept whole")
    sent = _SentText(sent_texts)
    ours_found = bool(sent_texts) and sent.anchor(lines) is not None
    hard, why = _history_start(lines, divider, sent)
    inline = _inline_in_history(lines, hard, sent) if hard is not None else None
    region = lines if hard is None else lines[:hard]
    kept, between = _assemble(region, mail)
    if inline:
        kept = _join(kept, inline)
    text = "\n".join(line.rstrip() for line in kept).strip("\n")
    if not text.strip():
        return Extraction("", False, "no new text above the quote")
    had_quote = hard is not None or any(_quoted(line) for line in region)
    return _judge(text, lines, mail, had_quote, ours_found, why, between, bool(inline))


def _judge(text: str, lines: list[str], mail: IncomingMail, had_quote: bool, ours: bool,
           why: str, between: bool, inline: bool) -> Extraction:
    """How sure the reader is, in words the coordinator can act on."""
    if inline:
        return Extraction(text, False, "answers written inside our quoted mail; check the cut")
    if not had_quote:  # what is kept is judged: a removed signature is no sign of a thread
        thread = looks_like_thread(text.split("\n"), mail.subject)
        if thread:
            return Extraction(text, False, f"no quote found, but the body looks like a thread"
                                           f" ({thread})")
        return Extraction(text, True, "no quoted text")
    structure = "; answers between quoted lines kept" if between else ""
    if ours:
        return Extraction(text, True, f"our own text quoted back{structure}")
    why = why or "'>' quoting"
    return Extraction(text, False, f"cut at {why} only; our own text not found{structure}")


def _body_lines(mail: IncomingMail) -> tuple[list[str], int | None]:
    """The lines to read, and where an HTML quote divider put the start of the history."""
    if mail.html is not None and len(mail.html) <= MAX_HTML and mail.text == html_to_text(
            mail.html):
        divider = _html_divider(mail.html)
        if divider is not None:
            marked = mail.html[:divider] + f"<div>{_SENTINEL}</div>" + mail.html[divider:]
            lines = _INVISIBLE.sub("", html_to_text(marked)).split("\n")
            at = next((i for i, line in enumerate(lines) if _SENTINEL in line), None)
            if at is not None:
                return lines[:at] + lines[at + 1 :], at
    return _INVISIBLE.sub("", mail.text).split("\n"), None


def _html_divider(html: str) -> int | None:
    """Where Outlook's divider tag starts: <div id="appendonsend">, <hr style="display:inline…">."""
    for hint in _DIVIDER_HINT.finditer(html):
        start = html.rfind("<", max(0, hint.start() - 300), hint.start())
        tag = html[start : hint.start()].lower() if start >= 0 else ">"
        if ">" in tag:
            continue
        word = hint.group(0).lower()
        if word.startswith("display"):
            wanted = tag.startswith("<hr")
        elif word.startswith("border"):
            wanted = tag.startswith("<div")
        else:
            wanted = tag.startswith("<div") and tag.rstrip("\"'").endswith("id=")
        if wanted:
            return start
    return None


def _history_start(lines: list[str], divider: int | None, sent: _SentText
                   ) -> tuple[int | None, str]:
    """Where unmarked history begins (everything from there on is quote), and what said so."""
    unquoted = ["" if _quoted(line) else line for line in lines]
    found: list[tuple[int, str]] = []
    if divider is not None:
        found.append((divider, "the HTML quote divider"))
    anchor = sent.anchor(unquoted)
    if anchor is not None:
        found.append((_walk_up(lines, anchor, sent), "our own text"))
    client = find_client_quote(lines)
    if client is not None:
        found.append(client)
    if not found:
        return None, ""
    return min(found)


def _walk_up(lines: list[str], anchor: int, sent: _SentText) -> int:
    """From our quoted text, go up over what belongs to the quote: header block, attribution."""
    i = anchor
    while i > 0:
        line = lines[i - 1]
        quote_like = not line.strip() or _quoted(line) or sent.weak(line)
        client_like = is_header_field(line) or is_quote_separator(line)
        if not (quote_like or client_like or is_attribution_part(line)):
            break
        i -= 1
    return i


@dataclass
class _Run:
    quoted: bool
    lines: list[str]
    attribution: int = 0  # leading lines of a quoted run that are the client's "… wrote:"


def _runs(lines: list[str]) -> list[_Run]:
    """Consecutive own and quoted lines; a blank line stays with the run it is in."""
    runs: list[_Run] = []
    for line in lines:
        quoted = _quoted(line)
        if runs and (runs[-1].quoted == quoted or not line.strip()):
            runs[-1].lines.append(line)
        else:
            runs.append(_Run(quoted, [line]))
    _rejoin_wrapped(runs)
    # The attribution above a '>' block ("On … wrote:") belongs to the quote.
    for before, run in zip(runs, runs[1:], strict=False):
        if run.quoted and not before.quoted:
            k = attribution_lines(before.lines, len(before.lines))
            if k:
                run.lines[:0] = before.lines[len(before.lines) - k :]
                run.attribution = k
                del before.lines[len(before.lines) - k :]
    return runs


def _rejoin_wrapped(runs: list[_Run]) -> None:
    """A lone lower-case line right between two '>' lines, under a long one, is the quote's
    own line broken by a client that rewrapped it after quoting, not an answer."""
    r = 1
    while r + 1 < len(runs):
        above, line, below = runs[r - 1], runs[r], runs[r + 1]
        text = line.lines[0] if len(line.lines) == 1 else ""
        cut_short = not above.lines[-1].rstrip().endswith((".", "?", "!", ":", ";"))
        if (not line.quoted and above.quoted and below.quoted and text[:1].islower()
                and cut_short and len(normalise(above.lines[-1])) >= 60):
            above.lines += line.lines + below.lines
            del runs[r : r + 2]
            continue
        r += 1


def _assemble(lines: list[str], mail: IncomingMail) -> tuple[list[str], bool]:
    """The contact's own runs, and the quoted runs that stand between two of them."""
    runs = _runs(lines)
    own = [i for i, run in enumerate(runs) if not run.quoted]
    texts = {i: list(runs[i].lines) for i in own}
    first_words = next((i for i in own if _filled(texts[i])), len(runs))
    for i in reversed(own):  # the closing and what follows it, from the last piece on
        if not _filled(texts[i]):
            continue
        texts[i] = strip_tail(texts[i], mail.from_name, mail.from_address,
                              more_above=i > first_words)
        if _filled(texts[i]):
            break
    filled = [i for i in own if _filled(texts[i])]
    if not filled:
        return [], False
    texts[filled[0]] = strip_banner(texts[filled[0]])
    first = texts[filled[0]]
    if len(filled) > 1 and _only_greeting(first):
        filled = filled[1:]  # "Hej!" above a quote, the answer below or between
    else:
        texts[filled[0]] = strip_greeting(first)
    kept: list[str] = []
    between = False
    for i in range(filled[0], filled[-1] + 1):
        if i in texts:
            kept += texts[i]
        else:  # a quote between two pieces of the answer, without the client's attribution
            kept += runs[i].lines[runs[i].attribution :]
            between = True
    return _trim_blank(kept), between


def _filled(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _only_greeting(lines: list[str]) -> bool:
    words = [line for line in lines if line.strip()]
    return len(words) == 1 and is_greeting(words[0])


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _join(top: list[str], inline: list[str]) -> list[str]:
    return (top + [""] if top else []) + inline


def _inline_in_history(lines: list[str], start: int, sent: _SentText) -> list[str] | None:
    """Answers typed inside our quoted mail in an unmarked (Outlook) quote, from our question on.

    Only when our own text is found: a line that is neither ours nor the client's header is new.
    """
    rest = ["" if _quoted(line) or is_header_field(line) or is_attribution_part(line) else line
            for line in lines[start:]]
    anchor = sent.anchor(rest)
    if anchor is None:
        return None
    anchor += start
    nxt = find_client_quote(lines[anchor + 1 :])
    end = anchor + 1 + nxt[0] if nxt else len(lines)
    new = [i for i in range(anchor, end) if _new_line(lines[i], sent)]
    if not new:
        return None
    chunk = lines[anchor : new[-1] + 1]
    return _trim_blank(chunk)


def _new_line(line: str, sent: _SentText) -> bool:
    if not line.strip() or _quoted(line) or is_header_field(line) or is_quote_separator(line):
        return False
    return not (is_footer_line(line) or sent.ours(line))


def proposed_answer(raw: bytes) -> tuple[str, str]:
    """For a coordinator assigning held mail: the answer by the same rules, and how sure.

    Held mail has no thread of ours to compare with, so client patterns alone decide.
    """
    found = extract_reply(parse_mail(raw))
    return found.text, found.reason if found.confident else f"unsure: {found.reason}"
