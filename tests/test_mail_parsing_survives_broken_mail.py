import pytest

from bot.mail.parsing import parse_mail
from tests.support.mail_samples import SAMPLES, load, raw


def test_truncated_mime_keeps_the_part_that_arrived() -> None:
    mail = load("broken_truncated_mime.eml")
    assert mail.text == "Det här svaret kom fram, men resten av meddelandet klipptes av på vägen.\n"
    assert mail.from_address == "kim.exempelsson@example.se"


def test_mail_without_headers_gives_empty_fields() -> None:
    mail = load("broken_missing_headers.eml")
    assert (mail.from_address, mail.subject, mail.message_id, mail.date) == ("", "", None, None)
    assert mail.text == "Svar utan några rubriker alls: nämnden har inget att tillägga.\n"


def test_undecodable_bytes_are_read_as_windows_1252() -> None:
    mail = load("broken_undecodable_bytes.eml")
    assert mail.text == "Nämnden har träffat företagarna fyra gånger."
    assert mail.subject.startswith("Svar från Kim å")


def test_bad_header_values_do_not_raise() -> None:
    mail = load("broken_header_values.eml")
    assert mail.from_address == "kim.exempelsson@example.se"
    assert mail.date is None
    assert mail.message_id == "<utan-vinkelparenteser>"
    assert mail.in_reply_to is None
    assert mail.text == "Svaret är kort: inget nytt.\n"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\xff\xfe", b"Content-Type: multipart/mixed\n\n--", b"From:\n\n",
     b"Content-Type: text/plain; charset=\"\n\nx", b"Content-Transfer-Encoding: base64\n\n!!!="],
)
def test_garbage_gives_a_mail_not_an_error(data: bytes) -> None:
    mail = parse_mail(data)
    assert isinstance(mail.text, str)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.eml")), ids=lambda p: p.name)
def test_every_sample_cut_anywhere_still_parses(path) -> None:  # type: ignore[no-untyped-def]
    data = raw(path.name)
    for end in range(0, len(data), max(1, len(data) // 25)):
        parse_mail(data[:end])
