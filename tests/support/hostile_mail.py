"""Hostile mail shapes: bodies that once made a pattern quadratic or a parser deep."""

from __future__ import annotations


def hostile_mail(
    body: str,
    *,
    sender: str = "kim.exempelsson@example.se",
    subject: str = "Re: Fråga 3",
    ctype: str = "text/plain; charset=utf-8",
) -> bytes:
    head = f"From: {sender}\nTo: svar+abc@example.se\nSubject: {subject}\nContent-Type: {ctype}\n"
    return (head + "Content-Transfer-Encoding: 8bit\n\n").encode() + body.encode("utf-8")


SHAPES = {
    "bounce subject to postmaster, 80 000 repeated characters": hostile_mail(
        "a" * 80_000, sender="postmaster@example.se", subject="Undelivered Mail Returned to Sender"
    ),
    "bounce subject, 80 000 characters of address-like text": hostile_mail(
        "a." * 40_000, sender="MAILER-DAEMON@example.se", subject="Delivery Status Notification"
    ),
    "a megabyte on one line": hostile_mail("x" * 1_000_000),
    "a megabyte of spaces after a digit": hostile_mail("tillbaka 1" + " " * 1_000_000),
    "thousands of '>' levels": hostile_mail((">" * 5000 + " text\n") * 20 + "Svar."),
    "thousands of quoted lines": hostile_mail("Svar.\n\n" + "> citat rad\n" * 20_000),
    "<div repeated ten thousand times": hostile_mail(
        "<div" * 10_000, ctype="text/html; charset=utf-8"
    ),
    "<div with an unclosed attribute ten thousand times": hostile_mail(
        '<div class="a' * 10_000, ctype="text/html; charset=utf-8"
    ),
    "nested blockquotes, two thousand deep": hostile_mail(
        "<blockquote>x" * 2000, ctype="text/html; charset=utf-8"
    ),
    "an undecodable charset": hostile_mail(
        "Svar här.\n\n" + "åäö" * 30_000, ctype="text/plain; charset=x-no-such-charset"
    ),
    "bytes no charset can read, labelled utf-8": hostile_mail(
        "Svar.", ctype="text/plain; charset=utf-8"
    )
    + bytes(range(128, 256)) * 300,
    "a charset label that is no charset, base64 body": (
        b"From: kim.exempelsson@example.se\nSubject: Re: x\nContent-Type: text/plain;"
        b' charset="x-\xff\xfe-unknown"\nContent-Transfer-Encoding: base64\n\n'
        + b"//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eDf3t3c29rZ2NfW1dTT0tHQz87NzMvK\n"
        * 500
    ),
    "attribution-like line repeated": hostile_mail("Den 3 okt 2023 kl 10:15 skrev " * 20_000 + ":"),
    "many short lines looking like a signature": hostile_mail("Mvh\n" * 30_000),
    "header-like lines repeated": hostile_mail("Från: x\nSkickat: y\n" * 10_000),
    # Under the reader's size limits, so every pattern runs on every line:
    "attributions and quotes alternating, just under the limits": hostile_mail(
        "Den 3 okt 2023 kl 10:15 skrev Kim <kim@example.se>:\n> x\n" * 1400
    ),
    "deep '>' lines, just under the limits": hostile_mail(("> " * 38 + "x\n") * 1200),
    "header blocks and separators, just under the limits": hostile_mail(
        "Från: Kim\nSkickat: 3 okt\nTill: Anna\n-----Original Message-----\nSvar.\n" * 550
    ),
    "closing with a long name": hostile_mail("Svar.\n\nMvh " + "Aa" * 50_000 + " b"),
}
