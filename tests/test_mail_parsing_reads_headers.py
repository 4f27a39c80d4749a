from datetime import UTC, datetime

from tests.support.mail_samples import TOKEN, load


def test_outlook_headers() -> None:
    mail = load("outlook_desktop_sv.eml")
    assert mail.from_address == "kim.exempelsson@example.se"
    assert mail.from_name == "Kim Exempelsson"
    assert mail.to_addresses == [f"svar+{TOKEN.lower()}@example.se"]
    assert mail.subject == "SV: Fråga 3 av 9: Näringslivsarbetet under perioden"
    assert mail.message_id == "<A1B2C3D4E5F6A7B8@GV1P190MB1234.EURP190.PROD.OUTLOOK.COM>"
    assert mail.in_reply_to == f"<q3.{TOKEN}@intake.example.se>"
    assert mail.references == [f"<q3.{TOKEN}@intake.example.se>"]
    assert mail.date == datetime(2022, 11, 24, 10, 42, 17, tzinfo=UTC)
    assert mail.content_type == "multipart/alternative"
    assert mail.headers["x-auto-response-suppress"] == ["All"]
    assert mail.header("X-Auto-Response-Suppress") == "All"
    assert len(mail.headers["received"][0].splitlines()) == 1  # unfolded
    assert mail.html is not None and "divRplyFwdMsg" not in mail.html


def test_encoded_words_in_iso_8859_1() -> None:
    mail = load("outlook_ursprungligt_meddelande.eml")
    assert mail.subject == "SV: Fråga 3 av 9: Näringslivsarbetet under perioden"
    assert mail.from_name == "Kim Exempelsson"


def test_raw_headers_keep_encoded_words() -> None:
    mail = load("ios_sv.eml")
    assert mail.headers["subject"][0].startswith("=?utf-8?")
