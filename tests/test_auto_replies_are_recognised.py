import pytest

from bot.mail.automatic import classify
from bot.mail.parsing import parse_mail
from tests.support.mail_samples import load, raw


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ooo_exchange_sv.eml", "Auto-Submitted: auto-generated"),
        ("ooo_exchange_en.eml", "Auto-Submitted: auto-replied"),
        ("ooo_inbox_rule_sv.eml", "Exchange inbox rule reply"),
        ("ooo_gmail_vacation_en.eml", "Auto-Submitted: auto-replied"),
        ("autoresponder_shared_mailbox.eml", "x-autorespond header"),
        ("read_receipt_outlook_sv.eml", "read receipt (disposition notification)"),
    ],
)
def test_auto_reply_samples(name: str, reason: str) -> None:
    result = classify(load(name), "kim.exempelsson@example.se")
    assert (result.kind, result.reason) == ("auto_reply", reason)


def test_franvaro_subject() -> None:
    result = classify(load("ooo_subject_franvaro.eml"), "kim.exempelsson@example.se")
    assert result.kind == "auto_reply"
    assert result.reason.startswith("auto-reply subject")


def _reply_with(extra_headers: str, subject: str = "SV: Fråga 3 av 9") -> bytes:
    return (
        f"From: Kim Exempelsson <kim.exempelsson@example.se>\nSubject: {subject}\n{extra_headers}"
        "Content-Type: text/plain; charset=utf-8\n\nSvar.\n"
    ).encode()


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied\n",
        "Auto-Submitted: auto-generated; owner-email=kim@example.se\n",
        "X-Autoreply: yes\n",
        "X-Autorespond: Tack för ditt mejl\n",
        "Precedence: bulk\n",
        "Precedence: junk\n",
        "Precedence: auto_reply\n",
        "Precedence: list\n",
        "X-Auto-Response-Suppress: All\nX-MS-Exchange-Inbox-Rules-Loop: kim@example.se\n",
    ],
)
def test_auto_reply_headers(headers: str) -> None:
    assert classify(parse_mail(_reply_with(headers)), "kim.exempelsson@example.se").kind == (
        "auto_reply"
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Automatiskt svar: Fråga 3 av 9",
        "Autosvar: Fråga 3 av 9",
        "Frånvaro: Fråga 3 av 9",
        "Out of Office: Question 3 of 9",
        "Automatic reply: Question 3 of 9",
        "Auto: Question 3 of 9",
        "[EXTERN] Automatiskt svar: Fråga 3 av 9",
    ],
)
def test_auto_reply_subjects(subject: str) -> None:
    mail = parse_mail(_reply_with("X-Auto-Response-Suppress: All\n", subject=subject))
    assert classify(mail, "kim.exempelsson@example.se").kind == "auto_reply"


@pytest.mark.parametrize("envelope", ["", "<>"])
def test_empty_envelope_sender_is_automatic(envelope: str) -> None:
    assert classify(parse_mail(_reply_with("")), envelope).kind == "auto_reply"


def test_outlook_reply_with_only_auto_response_suppress_is_a_reply() -> None:
    mail = load("outlook_desktop_sv.eml")
    assert mail.header("x-auto-response-suppress") == "All"
    assert classify(mail, "kim.exempelsson@example.se").kind == "reply"


def test_auto_submitted_no_is_a_reply() -> None:
    mail = parse_mail(_reply_with("Auto-Submitted: no\n"))
    assert classify(mail, "kim.exempelsson@example.se").kind == "reply"


@pytest.mark.parametrize(
    "name",
    ["gmail_sv.eml", "ios_sv.eml", "thunderbird_sv_flowed.eml", "outlook_web_sv_html_only.eml",
     "answer_contains_skrev.eml"],
)
def test_people_replies_are_replies(name: str) -> None:
    assert classify(parse_mail(raw(name)), None).kind == "reply"
