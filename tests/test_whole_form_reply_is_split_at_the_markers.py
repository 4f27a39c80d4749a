"""A whole-form reply is split at its [n] markers, whichever way the contact wrote it."""

from __future__ import annotations

from bot.mail.whole_form import place_answers

SENT = """Hej Kim Exempelsson!

Här är alla 3 frågor i ett mejl. Behåll raden med [nummer] före varje svar.

[1] Beskriv hur nämnden har arbetat med näringslivsfrågor under perioden.
Ange gärna exempel.

[2] Vilka samarbeten med företag har nämnden haft?

[3] Övriga kommentarer.

--
UPPFÖLJNINGSRAPPORT NÄRINGSLIV, Norrmalms stadsdelsnämnd, period 2026 T3."""


def test_markers_copied_to_the_top_of_the_reply_end_at_the_quoted_mail():
    reply = ("[1] Vi har träffat tolv företag.\n\n[2]\nFöretagslotsen och\nHandelsrådet.\n\n"
             "Med vänliga hälsningar\nKim\n\n"
             "Från: Uppföljning <intake@svar.example.se>\nSkickat: den 24 november 2026 10:15\n"
             "Till: Kim Exempelsson\nÄmne: Hela formuläret\n\n" + SENT)
    placed = place_answers(reply, SENT, 3, "Kim Exempelsson")
    assert placed.answers == {1: "Vi har träffat tolv företag.",
                              2: "Företagslotsen och\nHandelsrådet."}
    assert placed.unplaced == []


def test_answers_under_the_quoted_questions_of_a_plain_text_client_are_found():
    quoted = "\n".join("> " + line if line else ">" for line in SENT.split("\n"))
    reply = quoted.replace("> Ange gärna exempel.\n",
                           "> Ange gärna exempel.\n\nVi har ordnat två frukostmöten.\n\n")
    reply = "Den tors 24 nov. 2026 kl 10:15 skrev Uppföljning <intake@svar.example.se>:\n" \
        + reply.replace("> [3] Övriga kommentarer.\n", "> [3] Övriga kommentarer.\nInga.\n")
    placed = place_answers(reply, SENT, 3)
    assert placed.answers == {1: "Vi har ordnat två frukostmöten.", 3: "Inga."}
    assert placed.unplaced == []


def test_text_before_the_first_marker_and_an_unknown_marker_are_not_placed():
    reply = "Hej! Här kommer svaren.\n\n[1] Tolv företag.\n\n[7] Det här hör inte hemma här.\n"
    placed = place_answers(reply, SENT, 3)
    assert placed.answers == {1: "Tolv företag."}
    assert placed.unplaced == [
        {"where": "before_first", "text": "Hej! Här kommer svaren."},
        {"where": "[7]", "text": "Det här hör inte hemma här."}]


def test_a_reply_without_markers_is_not_placed_at_all():
    placed = place_answers("Vi har gjort allt som stod i planen.", SENT, 3)
    assert placed.answers == {}
    assert placed.unplaced == [{"where": "no_markers",
                                "text": "Vi har gjort allt som stod i planen."}]


def test_a_greeting_above_the_markers_and_a_closing_below_them_are_not_text():
    reply = ("Hej!\n\n[1] Tolv företag.\n\n[2] Företagslotsen.\n\nMvh\nKim\n"
             "Skickat från min iPhone\n")
    placed = place_answers(reply, SENT, 3, "Kim Exempelsson")
    assert placed.answers == {1: "Tolv företag.", 2: "Företagslotsen."}
    assert placed.unplaced == []
