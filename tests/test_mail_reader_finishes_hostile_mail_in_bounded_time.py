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
from tests.support.mail_samples import SENT

BUDGET = 0.100  # seconds of CPU for one mail, every step of the reader together


def _mail(body: str, *, sender: str = "kim.exempelsson@example.se", subject: str = "Re: Fråga 3",
          ctype: str = "text/plain; charset=utf-8") -> bytes:
    head = f"From: {sender}\nTo: svar+abc@example.se\nSubject: {subject}\nContent-Type: {ctype}\n"
    return (head + "Content-Transfer-Encoding: 8bit\n\n").encode() + body.encode("utf-8")


SHAPES = {
    "bounce subject to postmaster, 80 000 repeated characters": _mail(
        "a" * 80_000, sender="postmaster@example.se",
        subject="Undelivered Mail Returned to Sender"),
    "bounce subject, 80 000 characters of address-like text": _mail(
        "a." * 40_000, sender="MAILER-DAEMON@example.se", subject="Delivery Status Notification"),
    "a megabyte on one line": _mail("x" * 1_000_000),
    "a megabyte of spaces after a digit": _mail("tillbaka 1" + " " * 1_000_000),
    "thousands of '>' levels": _mail((">" * 5000 + " text\n") * 20 + "Svar."),
    "thousands of quoted lines": _mail("Svar.\n\n" + "> citat rad\n" * 20_000),
    "<div repeated ten thousand times": _mail("<div" * 10_000, ctype="text/html; charset=utf-8"),
    "<div with an unclosed attribute ten thousand times": _mail(
        '<div class="a' * 10_000, ctype="text/html; charset=utf-8"),
    "nested blockquotes, two thousand deep": _mail(
        "<blockquote>x" * 2000, ctype="text/html; charset=utf-8"),
    "an undecodable charset": _mail("Svar här.\n\n" + "åäö" * 30_000,
                                    ctype="text/plain; charset=x-no-such-charset"),
    "bytes no charset can read, labelled utf-8": _mail("Svar.", ctype="text/plain; charset=utf-8")
    + bytes(range(128, 256)) * 300,
    "a charset label that is no charset, base64 body": (
        b"From: kim.exempelsson@example.se\nSubject: Re: x\nContent-Type: text/plain;"
        b" charset=\"x-\xff\xfe-unknown\"\nContent-Transfer-Encoding: base64\n\n"
        + b"//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eDf3t3c29rZ2NfW1dTT0tHQz87NzMvK\n" * 500),
    "attribution-like line repeated": _mail(
        "Den 3 okt 2023 kl 10:15 skrev " * 20_000 + ":"),
    "many short lines looking like a signature": _mail("Mvh\n" * 30_000),
    "header-like lines repeated": _mail("Från: x\nSkickat: y\n" * 10_000),
    # Under the reader's size limits, so every pattern runs on every line:
    "attributions and quotes alternating, just under the limits": _mail(
        "Den 3 okt 2023 kl 10:15 skrev Kim <kim@example.se>:\n> x\n" * 1400),
    "deep '>' lines, just under the limits": _mail(("> " * 38 + "x\n") * 1200),
    "header blocks and separators, just under the limits": _mail(
        "Från: Kim\nSkickat: 3 okt\nTill: Anna\n-----Original Message-----\nSvar.\n" * 550),
    "closing with a long name": _mail("Svar.\n\nMvh " + "Aa" * 50_000 + " b"),
}


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
    mail = parse_mail(_mail(body, sender="postmaster@example.se",
                            subject="Undelivered Mail Returned to Sender"))
    found = classify(mail, envelope_sender="")
    assert found.kind == "bounce"
    assert found.status == "5.1.1"


def test_a_huge_reply_is_kept_whole_and_flagged() -> None:
    body = "Vårt svar.\n" + "lång rad " * 20_000
    extraction = extract_reply(parse_mail(_mail(body)), SENT)
    assert extraction.text == body.strip()
    assert not extraction.confident and "too long" in extraction.reason


def test_deep_html_quotes_do_not_multiply_the_text() -> None:
    text = html_to_text("<blockquote>x" * 2000)
    assert len(text) < 200_000
