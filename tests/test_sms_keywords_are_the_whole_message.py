"""SMS keywords of the contract: Swedish and English, any case, only as the whole message."""

from __future__ import annotations

import pytest

from bot.sms.keywords import read_sms


@pytest.mark.parametrize(
    ("message", "command"),
    [
        ("NÄSTA", "next"), ("nästa", "next"), ("Next", "next"), (" nasta! ", "next"),
        ("TILLBAKA", "back"), ("back", "back"), ("HOPPA", "skip"), ("skip", "skip"),
        ("STATUS", "status"), ("hjälp", "help"), ("HELP", "help"),
        ("SKICKA", "submit"), ("submit", "submit"), ("JA", "confirm"), ("ja", "confirm"),
        ("STOPP", "stop"), ("stop", "stop"),
    ],
)
def test_each_keyword_alone_is_a_command(message, command):
    assert read_sms(message).command == command


@pytest.mark.parametrize(
    "message",
    ["Nästa år startar vi", "Vi säger stopp till fusk", "ja, vi samverkar", "STATUS: klart",
     "Hjälp oss med detta"],
)
def test_a_keyword_inside_a_sentence_is_part_of_the_answer(message):
    found = read_sms(message)
    assert found.command is None and found.text == message


def test_share_names_a_section_and_an_address_or_takes_it_back():
    found = read_sms("DELA 2 kim.exempel@example.se")
    assert (found.command, found.section, found.address) == ("share", 2, "kim.exempel@example.se")
    assert read_sms("share 3 a@example.se").section == 3
    back = read_sms("dela 2")
    assert (back.command, back.section, back.address) == ("share", 2, None)
