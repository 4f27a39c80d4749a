from datetime import UTC, date, datetime

import pytest

from bot.mail.automatic import out_of_office_return
from tests.support.mail_samples import load

RECEIVED = datetime(2022, 12, 20, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jag är åter den 12 januari.", date(2023, 1, 12)),
        ("Jag är på semester och tillbaka måndag 9/1.", date(2023, 1, 9)),
        ("Jag är tillbaka 2023-01-09.", date(2023, 1, 9)),
        ("Jag är på plats igen den 9 januari.", date(2023, 1, 9)),
        ("Åter i tjänst den 9:e januari 2023.", date(2023, 1, 9)),
        ("Jag är ledig till och med 6 januari.", date(2023, 1, 7)),
        ("Jag är ledig t.o.m. 6/1.", date(2023, 1, 7)),
        ("Jag är ledig 22/12–8/1 och läser inte mejl.", date(2023, 1, 9)),
        ("Jag är tillbaka på måndag.", date(2022, 12, 26)),
        ("Tillbaka 28 dec.", date(2022, 12, 28)),
        ("I will be back on 9 January.", date(2023, 1, 9)),
        ("I'm away for the holidays, returning January 9th.", date(2023, 1, 9)),
        ("I am out of the office until Monday, January 9, 2023.", date(2023, 1, 9)),
        ("I am on leave from 20 December to 6 January.", date(2023, 1, 7)),
        ("I will be back on 1/9.", date(2023, 1, 9)),  # nearer than 1 September
        ("I will be back on 13/1.", date(2023, 1, 13)),  # only day/month is a date
    ],
)
def test_return_date(text: str, expected: date) -> None:
    assert out_of_office_return(text, "Automatiskt svar", RECEIVED) == expected


def test_swedish_numeric_dates_are_day_then_month() -> None:
    assert out_of_office_return("Jag är tillbaka 1/9.", "", RECEIVED) == date(2023, 9, 1)


@pytest.mark.parametrize(
    "text",
    ["Tack för ditt mejl, jag svarar så snart jag kan.", "I am out of the office.",
     "Jag är tillbaka kl 13.00 idag.", "Jag är ledig 23 december."],
)
def test_no_date_gives_none(text: str) -> None:
    assert out_of_office_return(text, "Frånvaro", RECEIVED) is None


def test_date_in_subject_is_used_when_text_has_none() -> None:
    assert out_of_office_return("Jag är ledig.", "Frånvaro, åter 9/1", RECEIVED) == date(2023, 1, 9)


def test_missing_year_rolls_over_to_the_next_such_date() -> None:
    received = datetime(2023, 1, 3, 8, 0)
    assert out_of_office_return("åter 3 januari", "", received) == date(2023, 1, 3)
    assert out_of_office_return("åter 2 januari", "", received) == date(2024, 1, 2)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ooo_exchange_sv.eml", date(2023, 1, 9)),
        ("ooo_inbox_rule_sv.eml", date(2023, 1, 12)),
        ("ooo_exchange_en.eml", date(2023, 1, 9)),
        ("ooo_subject_franvaro.eml", date(2023, 1, 9)),
        ("ooo_gmail_vacation_en.eml", date(2023, 1, 9)),
        ("autoresponder_shared_mailbox.eml", None),
    ],
)
def test_return_date_of_sample_auto_replies(name: str, expected: date | None) -> None:
    mail = load(name)
    assert mail.date is not None
    assert out_of_office_return(mail.text, mail.subject, mail.date) == expected
