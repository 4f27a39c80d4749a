from bot.mail.parsing import parse_mail
from bot.mail.replies import extract_reply
from tests.support.mail_samples import SENT, load

SKREV = """Den 3 oktober skrev nämnden till Företagarna Norrmalm:

”Vi vill fortsätta samarbetet kring trygghet i handelsstråken.”

Svaret kom den 12 oktober och samarbetet fortsätter under 2023."""

FRAN = """Från: kommunstyrelsens beslut 2022-09-14
Till: samtliga stadsdelsnämnder

Nämnden har genomfört uppdraget enligt beslutet. Från januari ansvarar näringslivsenheten för uppföljningen.
Den 14 september kl. 13.00 skrev vi till förvaltningen:
planen är klar."""  # noqa: E501

CITES = """Vi svarar kort: arbetet har följt planen.

I frågan står ”Beskriv hur nämnden har arbetat” och det gör vi utförligare i årsrapporten."""


def test_answer_containing_skrev_stays_whole() -> None:
    assert extract_reply(load("answer_contains_skrev.eml"), SENT).text == SKREV
    assert extract_reply(load("answer_contains_skrev.eml")).text == SKREV


def test_answer_with_lines_starting_with_fran_and_till_stays_whole() -> None:
    extraction = extract_reply(load("answer_resembles_headers_no_quote.eml"), SENT)
    assert extraction.text == FRAN
    # Kept whole, but two header-like lines make it look like a thread: a person checks it.
    assert not extraction.confident and "looks like a thread" in extraction.reason
    assert extract_reply(load("answer_resembles_headers_no_quote.eml")).text == FRAN


def test_answer_citing_words_of_the_question_is_not_taken_for_the_quote() -> None:
    extraction = extract_reply(load("answer_cites_question_words.eml"), SENT)
    assert extraction.text == CITES
    assert extraction.confident


def _plain(body: str) -> bytes:
    head = "From: Kim Exempelsson <kim.exempelsson@example.se>\nSubject: Re: Fråga 3\n"
    return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body).encode()


def test_a_single_from_line_in_an_answer_is_kept() -> None:
    body = "Från och med mars gäller planen.\nFrån: näringslivsenheten\n\nMer om detta i maj."
    extraction = extract_reply(parse_mail(_plain(body)), SENT)
    assert extraction.text == body
    assert extraction.confident


def test_an_answer_ending_with_a_colon_after_skrev_is_kept() -> None:
    body = "Kim skrev i sin rapport:\n- fler företagsbesök\n- kortare handläggning"
    assert extract_reply(parse_mail(_plain(body)), SENT).text == body
    assert extract_reply(parse_mail(_plain(body))).text == body
