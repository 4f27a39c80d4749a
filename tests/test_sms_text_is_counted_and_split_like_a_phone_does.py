"""SMS encoding: å, ä and ö are GSM 7-bit, "…" and "”" are not; long text splits at words."""

from __future__ import annotations

import pytest

from bot.sms.segments import encoding, is_gsm7, split_message


def test_swedish_letters_are_gsm7_and_typographic_quotes_are_not():
    assert is_gsm7("Hej Åsa! Välkommen till Örebro, älskade ö.")
    assert not is_gsm7("Nämnden deltar i ”Växla upp Stockholm”")
    assert not is_gsm7("Vänta…")
    assert not is_gsm7("Emoji 🙂")


@pytest.mark.parametrize(
    ("text", "name", "segments"),
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("å" * 160, "gsm7", 1),
        ("€" * 80, "gsm7", 1),  # the euro sign is an escape: two septets
        ("€" * 81, "gsm7", 2),
        ("a" * 306, "gsm7", 2),
        ("a" * 307, "gsm7", 3),
        ("”" + "a" * 69, "ucs2", 1),
        ("”" + "a" * 70, "ucs2", 2),
        ("🙂" * 35, "ucs2", 1),  # outside the BMP: two UTF-16 units each
        ("🙂" * 36, "ucs2", 2),
    ],
)
def test_segments_are_counted_as_the_operator_bills_them(text, name, segments):
    found = encoding(text)
    assert (found.name, found.segments) == (name, segments)


def test_a_short_text_is_one_unnumbered_message():
    assert split_message("Fråga 3 av 9: Hur samverkar nämnden?") == [
        "Fråga 3 av 9: Hur samverkar nämnden?"
    ]


def test_a_long_text_splits_between_words_into_numbered_one_segment_messages():
    text = " ".join(f"ord{n}" for n in range(120))
    parts = split_message(text)
    assert len(parts) > 1
    assert all(encoding(part).segments == 1 for part in parts)
    numbers = [f"({n}/{len(parts)})" for n in range(1, len(parts) + 1)]
    assert [p.split(" ", 1)[0] for p in parts] == numbers
    assert " ".join(p.split(" ", 1)[1] for p in parts) == text  # nothing lost, words whole


def test_a_typographic_quote_makes_only_its_own_part_ucs2():
    gsm_text = " ".join(["samverkan"] * 30)
    parts = split_message(gsm_text + " ”slut”")
    assert all(encoding(p).segments == 1 for p in parts)
    assert encoding(parts[0]).name == "gsm7" and encoding(parts[-1]).name == "ucs2"


def test_as_few_messages_as_fit():
    text = " ".join(["abcdefghi"] * 40)  # 399 characters
    parts = split_message(text)
    # 160 septets less the "(n/3) " prefix holds 15 ten-character words: three messages.
    assert len(parts) == 3


def test_a_word_longer_than_a_message_is_cut_and_nothing_is_lost():
    word = "x" * 500
    parts = split_message(word)
    assert "".join(p.split(" ", 1)[1] for p in parts) == word
    assert all(encoding(p).segments == 1 for p in parts)
