import pytest

from bot.mail.parsing import parse_mail
from bot.mail.replies import extract_reply
from tests.support.mail_samples import SENT, load


def test_swedish_disclaimer_after_signature_is_removed() -> None:
    extraction = extract_reply(load("disclaimer_sv_latin1.eml"), SENT)
    assert extraction.text == (
        "Nämnden har inte haft några särskilda näringslivsinsatser under perioden"
        " utöver det löpande arbetet."
    )
    assert extraction.confident


def test_name_and_title_block_without_closing_phrase_is_removed() -> None:
    extraction = extract_reply(load("signature_name_block_en.eml"), SENT)
    assert extraction.text == (
        "We have nothing to add this time; the plan from the spring still applies.\n\n"
        "The review meeting with the business council is on 14 December."
    )


def _mail(body: str, name: str = "Kim Exempelsson") -> bytes:
    head = f"From: {name} <kim.exempelsson@example.se>\nSubject: Re: Fråga 3\n"
    return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body).encode()


@pytest.mark.parametrize(
    "tail",
    [
        "\n\n-- \nKim Exempelsson\nNorrmalms stadsdelsförvaltning",
        "\n\nMvh\nKim",
        "\n\nMVH Kim",
        "\n\nVänliga hälsningar,\nKim Exempelsson\nEkonom, Norrmalm\n08-000 000 00",
        "\n\nBest regards\nKim",
        "\n\n/Kim",
        "\n\nSkickat från min iPhone",
        "\n\nHämta Outlook för iOS",
        "\n\nThis e-mail may contain confidential information. If you have received it in error,"
        " please notify the sender and delete it.",
        "\n\nNär du skickar e-post till Stockholms stad behandlar vi dina personuppgifter"
        " enligt dataskyddsförordningen.",
    ],
)
def test_signature_kinds_are_removed(tail: str) -> None:
    answer = "Vi har:\n- fler företagsbesök\n- kortare handläggning\n\nMer följer i årsrapporten."
    assert extract_reply(parse_mail(_mail(answer + tail)), SENT).text == answer


def test_a_thank_you_that_is_the_whole_answer_is_kept() -> None:
    assert extract_reply(parse_mail(_mail("Tack!")), SENT).text == "Tack!"


def test_a_sentence_starting_with_thanks_is_kept() -> None:
    body = "Inget att tillägga.\n\nTack för påminnelsen, vi svarar på resten i morgon."
    assert extract_reply(parse_mail(_mail(body)), SENT).text == body
