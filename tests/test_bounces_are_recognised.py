import pytest

from bot.mail.automatic import classify
from bot.mail.parsing import parse_mail
from tests.support.mail_samples import load


@pytest.mark.parametrize(
    ("name", "recipient", "status", "action"),
    [
        ("bounce_exchange_ndr_sv.eml", "kim.exempelsson@example.se", "5.1.1", "failed"),
        ("bounce_postfix_mailbox_full.eml", "kim.exempelsson@example.se", "5.2.2", "failed"),
        ("bounce_postfix_delayed.eml", "kim.exempelsson@example.se", "4.4.1", "delayed"),
        ("bounce_qmail_plain.eml", "kim.exempelsson@example.se", "5.1.1", "failed"),
    ],
)
def test_bounce_gives_failed_recipient_and_status(
    name: str, recipient: str, status: str, action: str
) -> None:
    result = classify(load(name), "")
    assert result.kind == "bounce"
    assert (result.failed_recipient, result.status, result.action) == (recipient, status, action)


def test_delivery_report_is_a_bounce_whatever_the_envelope() -> None:
    assert classify(load("bounce_exchange_ndr_sv.eml"), None).kind == "bounce"


def test_delivery_status_fields_are_read() -> None:
    report = load("bounce_exchange_ndr_sv.eml").delivery_status
    assert report[0]["diagnostic-code"] == "smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"
    assert report[0]["reporting-mta"] == "dns;GV1P190MB1234.EURP190.PROD.OUTLOOK.COM"


def test_mailer_daemon_mail_with_a_normal_subject_and_envelope_is_not_a_bounce() -> None:
    mail = parse_mail(b"From: postmaster@example.se\nSubject: Veckans driftinfo\n\nInfo.\n")
    assert classify(mail, "postmaster@example.se").kind == "reply"
