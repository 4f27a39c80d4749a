"""Pass counts of reply extractors on the project's own sample messages.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/mail_reply_candidates.py

A case passes when the extracted text equals the expected answer exactly (outer blank lines
aside). Each candidate gets the mail's best plain text from bot.mail.parsing.
"""

import sys
from collections.abc import Callable
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

from bot.mail.parsing import IncomingMail  # noqa: E402
from bot.mail.replies import extract_reply  # noqa: E402
from tests.support.mail_samples import SENT, load  # noqa: E402

CASES: dict[str, str] = {
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


def mail_parser_reply(mail: IncomingMail) -> str:
    from mailparser_reply import EmailReplyParser

    message = EmailReplyParser(languages=["sv", "en"]).read(mail.text)
    return message.replies[0].body if message.replies else ""


def mail_parser_reply_lists(mail: IncomingMail) -> str:
    from mailparser_reply.parser import EmailMessage

    message = EmailMessage(mail.text, languages=["sv", "en"], keep_hyphen_lists=True).read()
    return message.replies[0].body if message.replies else ""


def email_reply_parser(mail: IncomingMail) -> str:
    from email_reply_parser import EmailReplyParser

    return EmailReplyParser.parse_reply(mail.text)


CANDIDATES: dict[str, Callable[[IncomingMail], str]] = {
    "mail-parser-reply 1.36 (sv+en)": mail_parser_reply,
    "mail-parser-reply 1.36 (sv+en, keep_hyphen_lists)": mail_parser_reply_lists,
    "email-reply-parser 0.5.12": email_reply_parser,
    "bot.mail.replies, client patterns only": lambda mail: extract_reply(mail).text,
    "bot.mail.replies, with the bot's sent text": lambda mail: extract_reply(mail, SENT).text,
}


def main() -> None:
    verbose = "-v" in sys.argv
    print(f"{len(CASES)} sample replies with a known answer\n")
    for title, candidate in CANDIDATES.items():
        failed = []
        for name, expected in CASES.items():
            try:
                got = candidate(load(name)).strip("\n")
            except Exception as error:  # noqa: BLE001 - a crash counts as a failure
                got = f"<{type(error).__name__}: {error}>"
            if got != expected:
                failed.append((name, got))
        print(f"{len(CASES) - len(failed):3d}/{len(CASES)}  {title}")
        for name, got in failed:
            print(f"         fails {name}" + (f": {got!r}" if verbose else ""))
    print()


if __name__ == "__main__":
    main()
