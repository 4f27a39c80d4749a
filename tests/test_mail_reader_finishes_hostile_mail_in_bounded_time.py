"""Every pattern the mail reader runs is linear or capped: hostile bodies take under 100 ms.

Plain functions, no server: parse, classify (bounce, auto-reply), out-of-office date and the
reply text, each shape timed on its own. The CPU time of this process is measured (not wall
time), so other work on a shared machine does not make it fail.
"""

import time
from datetime import UTC, datetime

import pytest

from bot.mail.automatic import classify, out_of_office_return
from bot.mail.html_text import html_to_text
from bot.mail.parsing import parse_mail
from bot.mail.replies import extract_reply
from tests.support.hostile_mail import SHAPES, hostile_mail
from tests.support.mail_samples import SENT

BUDGET = 0.100  # seconds of CPU for one mail, every step of the reader together




def _cpu(step) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    step()
    return time.process_time() - start


@pytest.mark.parametrize("raw", SHAPES.values(), ids=SHAPES.keys())
def test_the_reader_takes_less_than_100_ms_and_gives_an_answer_or_a_flag(raw: bytes) -> None:
    received = datetime(2026, 12, 1, tzinfo=UTC)
    results = {}

    def read() -> None:
        mail = parse_mail(raw)
        results["kind"] = classify(mail, envelope_sender=None).kind
        out_of_office_return(mail.text, mail.subject, received)
        results["extraction"] = extract_reply(mail, SENT)

    spent = min(_cpu(read) for _ in range(2))  # the first run also compiles the patterns
    assert spent < BUDGET, f"{spent * 1000:.0f} ms"
    extraction = results["extraction"]
    # Either an answer, or nothing confident: never a confident guess at hostile input.
    assert results["kind"] in ("reply", "bounce", "auto_reply")
    assert extraction.text == "" or extraction.text.strip() or not extraction.confident


def test_a_bounce_with_a_huge_body_is_still_a_bounce_with_its_status() -> None:
    body = "a" * 80_000 + "\n\n<kim.exempelsson@example.se>: 550 5.1.1 user unknown\n"
    mail = parse_mail(hostile_mail(body, sender="postmaster@example.se",
                            subject="Undelivered Mail Returned to Sender"))
    found = classify(mail, envelope_sender="")
    assert found.kind == "bounce"
    assert found.status == "5.1.1"


def test_a_huge_reply_is_kept_whole_and_flagged() -> None:
    body = "Vårt svar.\n" + "lång rad " * 20_000
    extraction = extract_reply(parse_mail(hostile_mail(body)), SENT)
    assert extraction.text == body.strip()
    assert not extraction.confident and "too long" in extraction.reason


def test_deep_html_quotes_do_not_multiply_the_text() -> None:
    text = html_to_text("<blockquote>x" * 2000)
    assert len(text) < 200_000
