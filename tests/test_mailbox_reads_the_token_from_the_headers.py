"""Plain functions of the mailbox adapter and the sign-in: which address carries the token,
what counts as the envelope sender, which e-mail claim is vouched for, which settings hold."""

from __future__ import annotations

import pytest

from bot.mail.imap import envelope_sender, recipients
from intake.settings import load_settings
from intake.web.oidc import verified_email

DOMAIN = "svar.example.se"
TOKEN = "Ab3dEfGh1jKlMnOp"


def test_the_token_address_is_found_in_delivered_to_to_and_cc_with_its_case_kept():
    raw = (f"Delivered-To: SVAR+{TOKEN}@Svar.Example.se\r\n"
           f"To: Uppföljning <svar+{TOKEN}@svar.example.se>, kim@example.se\r\n"
           f"Cc: bounce+ZZZZzzzz1234@svar.example.se, svar+other1234@annan.example.se\r\n"
           "\r\nhej\r\n").encode()
    # One address per token, Delivered-To first; another domain's plus address is not ours.
    assert recipients(raw, DOMAIN) == [f"SVAR+{TOKEN}@Svar.Example.se",
                                       "bounce+ZZZZzzzz1234@svar.example.se"]


def test_a_mail_without_a_token_address_names_no_recipient():
    raw = b"To: svar@svar.example.se\r\nFrom: kim@example.se\r\n\r\nhej\r\n"
    assert recipients(raw, DOMAIN) == []


def test_return_path_is_the_envelope_sender_and_an_empty_one_marks_a_bounce():
    assert envelope_sender(b"Return-Path: <Kim@Example.se>\r\n\r\n") == "kim@example.se"
    assert envelope_sender(b"Return-Path: <>\r\n\r\n") == ""
    assert envelope_sender(b"From: kim@example.se\r\n\r\n") is None


@pytest.mark.parametrize(("claims", "expected"), [
    ({"email": "Alva@Example.se", "email_verified": True}, "alva@example.se"),
    ({"email": "alva@example.se", "xms_edov": True}, "alva@example.se"),
    ({"email": "alva@example.se", "email_verified": False}, None),
    ({"email": "alva@example.se"}, None),
    ({"email_verified": True}, None),
    ({"email": "not an address", "email_verified": True}, None),
])
def test_only_a_vouched_for_email_claim_counts(claims, expected):
    assert verified_email(claims) == expected


def test_settings_that_cannot_work_are_one_clear_line(monkeypatch):
    monkeypatch.setenv("SMTP_AUTH", "xoauth2")
    monkeypatch.delenv("OAUTH_TOKEN_URL", raising=False)
    with pytest.raises(SystemExit, match="needs OAUTH_TOKEN_URL"):
        load_settings()
    monkeypatch.setenv("SMTP_AUTH", "password")
    monkeypatch.setenv("IMAP_TLS", "ssl")
    with pytest.raises(SystemExit, match="IMAP_TLS must be one of none, starttls, tls"):
        load_settings()
    monkeypatch.setenv("IMAP_TLS", "none")
    monkeypatch.setenv("OIDC_ONLY", "true")
    monkeypatch.delenv("OIDC_ISSUER", raising=False)
    with pytest.raises(SystemExit, match="OIDC_ONLY=true needs OIDC_ISSUER"):
        load_settings()
