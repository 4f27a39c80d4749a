from bot.mail.replies import extract_reply
from tests.support.mail_samples import SENT, load


def test_reply_with_nothing_above_the_quote_is_empty_and_unsure() -> None:
    extraction = extract_reply(load("reply_with_only_quote.eml"), SENT)
    assert extraction.text == ""
    assert not extraction.confident
    assert extraction.reason == "no new text above the quote"


def test_a_new_mail_without_quote_is_taken_whole_and_confidently() -> None:
    extraction = extract_reply(load("broken_missing_headers.eml"), SENT)
    assert extraction.text == "Svar utan några rubriker alls: nämnden har inget att tillägga."
    assert extraction.confident
