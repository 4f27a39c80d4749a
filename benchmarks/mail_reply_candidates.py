"""Reply readers compared on the development corpus: exact answers, lost lines, confident misses.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/mail_reply_candidates.py [-v]

The corpus is tests/mail/corpus (152 replies, 16 clients, 11 languages) plus the 23 sample
replies of tests/mail/samples with a known answer. A case passes when the text equals the
expected answer exactly (outer blank lines aside). "Lost" counts replies where a line the
contact wrote is missing. Each candidate gets the mail's best plain text from bot.mail.parsing.

"With our sent text": our reader gets the bot's own text of the thread; a library cannot take
it, so it gets only the part of the body above our quoted text (found the way bot.mail.replies
finds it), i.e. it is tried as a second stage after our own anchor.
"""

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_reply_text_excludes_gmail_apple_thunderbird_quotes import (  # noqa: E402
    EXPECTED as OTHER_CLIENTS,
)
from test_reply_text_excludes_outlook_quote import EXPECTED as OUTLOOK  # noqa: E402
from test_reply_text_keeps_answers_that_resemble_quote_headers import (  # noqa: E402
    CITES,
    FRAN,
    SKREV,
)

from bot.mail.parsing import IncomingMail, parse_mail  # noqa: E402
from bot.mail.replies import _SentText, _walk_up, extract_reply  # noqa: E402
from bot.mail.reply_tail import strip_greeting, strip_tail  # noqa: E402
from tests.support.mail_samples import SENT, load  # noqa: E402

CORPUS = ROOT / "tests" / "mail" / "corpus"
LANGUAGES = ["sv", "da", "en", "de", "fr", "nl", "it", "es", "pl"]  # all it has of our eleven
SAMPLES: dict[str, str] = {
    **OUTLOOK,
    **OTHER_CLIENTS,
    "answer_contains_skrev.eml": SKREV,
    "answer_resembles_headers_no_quote.eml": FRAN,
    "answer_cites_question_words.eml": CITES,
    "disclaimer_sv_latin1.eml": "Nämnden har inte haft några särskilda näringslivsinsatser under"
    " perioden utöver det löpande arbetet.",
    "signature_name_block_en.eml": "We have nothing to add this time; the plan from the spring"
    " still applies.\n\nThe review meeting with the business council is on 14 December.",
    "reply_with_only_quote.eml": "",
}


def cases() -> list[tuple[str, IncomingMail, str]]:
    found = [(eml.stem, parse_mail(eml.read_bytes()),
              eml.with_suffix(".txt").read_text(encoding="utf-8").strip("\n"))
             for eml in sorted(CORPUS.glob("*.eml"))]
    return found + [(name, load(name), answer) for name, answer in SAMPLES.items()]


def above_our_text(text: str, sent: Sequence[str]) -> str:
    """The body above the bot's own quoted text, when it is found; else the whole body."""
    if not sent:
        return text
    lines = text.split("\n")
    ours = _SentText(sent)
    anchor = ours.anchor(["" if line.lstrip().startswith(">") else line for line in lines])
    return "\n".join(lines[: _walk_up(lines, anchor, ours)]) if anchor is not None else text


def mail_parser_reply(text: str) -> str:
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=list(LANGUAGES)).parse_reply(text) or ""


def email_reply_parser(text: str) -> str:
    from email_reply_parser import EmailReplyParser

    return EmailReplyParser.parse_reply(text)


def quotequail_(text: str) -> str:
    import quotequail

    return "\n".join(part for shown, part in quotequail.quote(text) if shown)


LIBRARIES: dict[str, Callable[[str], str]] = {
    "mail-parser-reply 1.36": mail_parser_reply,
    "email-reply-parser 0.5.12": email_reply_parser,
    "quotequail 0.5.4": quotequail_,
}


def run(read: "Reader", sent: Sequence[str], all_cases: list[tuple[str, IncomingMail, str]],
        verbose: bool) -> str:
    exact = lost = sure_wrong = 0
    start = time.perf_counter()
    for name, mail, expected in all_cases:
        try:
            got, confident = read(mail, sent)
            got = got.strip("\n")
        except Exception as error:  # noqa: BLE001 - a crash counts as a failure
            got, confident = f"<{type(error).__name__}: {error}>", True
        if got == expected:
            exact += 1
            continue
        lines = got.split("\n")
        lost += any(line.strip() and line not in lines for line in expected.split("\n"))
        sure_wrong += confident
        if verbose:
            print(f"    {name}: {got[:200]!r}")
    ms = (time.perf_counter() - start) * 1000 / len(all_cases)
    return f"{exact:4d}/{len(all_cases)} {lost:5d} {sure_wrong:7d} {ms:6.2f}"


def ours(mail: IncomingMail, sent: Sequence[str]) -> tuple[str, bool]:
    found = extract_reply(mail, sent)
    return found.text, found.confident


Reader = Callable[[IncomingMail, Sequence[str]], tuple[str, bool]]


def library(parse: Callable[[str], str], our_ends: bool = False) -> Reader:
    """A library on the plain text; with our_ends, our greeting and tail rules on its output.

    The second shows how well the library finds the quote alone, since none of them drops a
    greeting and not all drop a signature the way the issue asks.
    """
    def read(mail: IncomingMail, sent: Sequence[str]) -> tuple[str, bool]:
        text = parse(above_our_text(mail.text, sent))
        if our_ends:
            lines = strip_tail(strip_greeting(text.split("\n")), mail.from_name)
            text = "\n".join(lines)
        return text, True  # no library says when it is unsure

    return read


def main() -> None:
    verbose = "-v" in sys.argv
    all_cases = cases()
    print(f"{len(all_cases)} replies with a known answer\n")
    print("| reader | our sent text | exact | lost a line | wrong but sure | ms/mail |")
    print("| --- | --- | --- | --- | --- | --- |")
    readers: dict[str, Reader] = {"bot.mail.replies": ours}
    for name, parse in LIBRARIES.items():
        readers[name] = library(parse)
        readers[f"{name} + our greeting/tail rules"] = library(parse, our_ends=True)
    for title, read in readers.items():
        for label, sent in (("no", ()), ("yes", SENT)):
            exact, total_lost, wrong, ms = run(read, sent, all_cases, verbose).split()
            print(f"| {title} | {label} | {exact} | {total_lost} | {wrong} | {ms} |")


if __name__ == "__main__":
    main()
