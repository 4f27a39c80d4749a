"""Held mail a coordinator assigns is read by the same rules as any reply.

The assign form proposes the answer without the greeting, the closing and the quoted history,
and says when the reader was unsure; the coordinator still decides what is saved.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.mail.replies import proposed_answer
from intake.messaging.held import read_mail, use_reply_reader
from tests.support.dashboard import logged_in, open_round_with_answers
from tests.test_held_mail_is_read_assigned_or_discarded_from_the_browser import mail, store

ANSWER = "Vi har anställt två under hösten.\n\n- en näringslivsutvecklare\n- en handläggare"
BODY = (f"Hej!\n\n{ANSWER}\n\nMed vänlig hälsning\nOla Okänd\nEnhetschef\n\n"
        "Den tis 3 nov. 2026 kl 10:15 skrev Uppföljningen <svar+abc@example.se>:\n\n"
        "> Hej,\n>\n> Fråga 4 av 9: Hur många har nämnden anställt?\n")


@pytest.fixture
def reader() -> Iterator[None]:
    use_reply_reader(proposed_answer)
    yield
    use_reply_reader(None)


def test_the_proposed_answer_is_the_readers_answer(reader: None) -> None:
    read = read_mail(mail("Ola Okänd <ola.okand@example.se>", "SV: Fråga 4", BODY))
    assert read.answer == ANSWER
    assert read.body.startswith("Hej!")  # the whole text is still shown to the coordinator
    assert "unsure" in read.answer_note  # no thread of ours to compare: client patterns only


def test_without_a_reader_the_whole_body_is_proposed() -> None:
    read = read_mail(mail("Ola Okänd <ola.okand@example.se>", "SV: Fråga 4", BODY))
    assert read.answer == read.body and read.answer_note == ""


def test_the_assign_form_is_filled_with_the_answer(reader: None, engine, clock) -> None:
    open_round_with_answers(engine, clock)
    held = store(engine, clock, mail("Ola Okänd <ola.okand@example.se>", "SV: Fråga 4", BODY),
                 "held", "sender ola.okand@example.se is not a contact of the committee")
    page = logged_in(engine, clock).get(f"/mail/{held}").text
    textarea = page.split('<textarea id="text" name="text" rows="10" required>')[1]
    assert textarea.split("</textarea>")[0] == ANSWER
    assert "samma regler som ett svar" in page
