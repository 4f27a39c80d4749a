"""The inbound server: 550 for unknown or forged recipients, 552 over 10 MB, postmaster kept."""

from __future__ import annotations

import smtplib

import pytest

from tests.support.mail import REPLY_DOMAIN, Sink, first_question, mail_serve, open_round_now
from tests.support.mailkit import outlook_reply


@pytest.fixture
def running(db_url, tmp_path):
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    serve = mail_serve(db_url, tmp_path, sink)
    serve.start()
    yield serve, sink
    serve.stop()
    sink.stop()


def test_unknown_and_forged_recipients_get_550_and_postmaster_is_accepted(running):
    serve, sink = running
    invitation = first_question(sink)
    raw = outlook_reply(invitation, "Ett svar")
    for address in (f"someone@{REPLY_DOMAIN}", f"svar+{'A' * 24}@{REPLY_DOMAIN}",
                    f"bounce+forgedtoken123@{REPLY_DOMAIN}"):
        with serve.smtp() as client, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("kim.exempelsson@example.se", [address], raw)
        assert refused.value.recipients[address][0] == 550
    with serve.smtp() as client:
        assert client.sendmail("kim.exempelsson@example.se", [f"postmaster@{REPLY_DOMAIN}"],
                               raw) == {}


def test_a_message_over_ten_megabytes_gets_552(running):
    serve, sink = running
    invitation = first_question(sink)
    big = outlook_reply(invitation, "Bilaga:\r\n" + ("x" * 76 + "\r\n") * 140_000)
    assert len(big) > 10 * 1024 * 1024
    # A server that declares the SIZE is refused at MAIL FROM ...
    with serve.smtp() as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("kim.exempelsson@example.se", [str(invitation["Reply-To"])], big)
    assert refused.value.smtp_code == 552
    _explains(refused.value.smtp_error, b"Brevet ar storre an 10 MB", b"larger than 10 MB")
    # ... and one that does not, after DATA, with nothing stored.
    with serve.smtp() as client:
        client.ehlo()
        assert client.mail("kim.exempelsson@example.se")[0] == 250
        assert client.rcpt(str(invitation["Reply-To"]))[0] == 250
        code, text = client.data(big)
        assert code == 552
        _explains(text, b"Brevet ar storre an 10 MB", b"without the large attachments")


def _explains(reply: bytes, swedish: bytes, english: bytes) -> None:
    # The sender's server bounces these words to the contact: Swedish first, then English.
    assert swedish in reply and english in reply, reply
    assert reply.index(swedish) < reply.index(english)


def test_a_line_over_a_thousand_characters_is_refused_with_what_to_do(running):
    serve, sink = running
    invitation = first_question(sink)
    # A body line of 1,600 characters, as a broken mail program writes it (no encoding).
    raw = (f"From: Kim Exempelsson <kim.exempelsson@example.se>\r\n"
           f"To: {invitation['Reply-To']}\r\nSubject: SV: svar\r\n\r\n"
           + "Ett svar på en enda rad: " + "ord " * 400 + "\r\n").encode()
    with serve.smtp() as client:
        client.ehlo()
        assert client.mail("kim.exempelsson@example.se")[0] == 250
        assert client.rcpt(str(invitation["Reply-To"]))[0] == 250
        code, text = client.data(raw)
    assert code == 500
    _explains(text, b"En rad i brevet ar langre", b"A line of the message is longer")
    assert b"ordinary mail program" in text
