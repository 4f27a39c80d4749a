"""The answer rules as plain functions: greeting, closing, quote above, below and between.

Each test fails if its rule breaks: a greeting alone on top is dropped, bottom-posted and
inline answers are read, quote headers are found in eleven languages, a footer is cut only
when the whole line is one, and an unsure reading keeps the text and is flagged.
"""

import pytest

from bot.mail.parsing import parse_mail
from bot.mail.replies import extract_reply
from tests.support.mail_samples import QUESTION_EN, QUESTION_SV, SENT

ANSWER = "Vi har haft fyra möten med Företagarna.\n\n- ett i maj\n- tre i höst"
QUOTE_SV = "\n".join(f"> {line}".rstrip() for line in QUESTION_SV.split("\n"))
GMAIL_SV = "Den tis 3 okt. 2023 kl 10:15 skrev Uppföljningen <svar+Q3xK7pLm2vR8@example.se>:"


def read(body: str, sent: tuple[str, ...] = SENT, subject: str = "SV: Fråga 3"):  # noqa: ANN201
    head = (f"From: Lena Larsson <lena.larsson@example.se>\nSubject: {subject}\n"
            "Content-Type: text/plain; charset=utf-8\n\n")
    return extract_reply(parse_mail((head + body).encode()), sent)


@pytest.mark.parametrize("greeting", ["Hej!", "Hej Anna,", "Hi,", "God morgon,", "Hej igen!",
                                      "Hallo zusammen,", "Bonjour,", "Dzień dobry,", "Hei,"])
def test_a_greeting_alone_on_top_is_dropped(greeting: str) -> None:
    assert read(f"{greeting}\n\n{ANSWER}\n\n{GMAIL_SV}\n{QUOTE_SV}").text == ANSWER
    assert read(f"{greeting}\n{ANSWER}").text == ANSWER  # also without a blank line below


def test_a_greeting_with_words_after_it_is_the_contacts_text() -> None:
    body = "Hej, här kommer vårt svar: inget nytt."
    assert read(f"{body}\n\n{GMAIL_SV}\n{QUOTE_SV}").text == body


def test_the_closing_and_everything_after_it_go() -> None:
    tail = ("Med vänlig hälsning\nLena Larsson\nEnhetschef\n08-000 000 00\n\n"
            "Skickat från min iPhone")
    assert read(f"{ANSWER}\n\n{tail}\n\n{GMAIL_SV}\n{QUOTE_SV}").text == ANSWER
    assert read(f"{ANSWER}\n\n/Lena\n\n{GMAIL_SV}\n{QUOTE_SV}").text == ANSWER


def test_a_bottom_posted_answer_below_the_quote_is_read() -> None:
    extraction = read(f"{GMAIL_SV}\n{QUOTE_SV}\n\n{ANSWER}\n\n-- \nLena Larsson\n")
    assert extraction.text == ANSWER
    assert extraction.confident


def test_inline_answers_keep_the_quoted_lines_between_them() -> None:
    lines = QUESTION_SV.split("\n")
    first, second = "> " + lines[2], "> " + lines[4]
    body = (f"Se mina svar i texten nedan.\n\n{GMAIL_SV}\n> {lines[0]}\n>\n{first}\n"
            f"Fyra möten.\n>\n{second}\nVi gör det.\n>\n> Med vänlig hälsning\n\nMvh Lena")
    extraction = read(body)
    assert extraction.text == (f"Se mina svar i texten nedan.\n\n> {lines[0]}\n>\n{first}\n"
                               f"Fyra möten.\n>\n{second}\nVi gör det.")
    assert extraction.confident and "between quoted lines" in extraction.reason


def test_an_answer_only_under_the_quoted_question_drops_the_quote_above_it() -> None:
    body = f"{GMAIL_SV}\n{QUOTE_SV}\n\nFyra möten.\n"
    assert read(body).text == "Fyra möten."


ATTRIBUTIONS = {
    "sv": "Den tis 3 okt. 2023 kl 10:15 skrev Uppföljningen <svar+x@example.se>:",
    "da": "Den tir. 3. okt. 2023 kl. 10.15 skrev Uppföljningen <svar+x@example.se>:",
    "no": "tir. 3. okt. 2023 kl. 10:15 skrev Uppföljningen <svar+x@example.se>:",
    "fi": "ti 3.10.2023 klo 10.15 Uppföljningen (svar+x@example.se) kirjoitti:",
    "en": "On Tue, 3 Oct 2023 at 10:15, Uppföljningen <svar+x@example.se> wrote:",
    "de": "Am Di., 3. Okt. 2023 um 10:15 Uhr schrieb Uppföljningen <svar+x@example.se>:",
    "fr": "Le mar. 3 oct. 2023 à 10:15, Uppföljningen <svar+x@example.se> a écrit :",
    "nl": "Op di 3 okt 2023 om 10:15 schreef Uppföljningen <svar+x@example.se>:",
    "it": "Il giorno mar 3 ott 2023 alle ore 10:15 Uppföljningen <svar+x@example.se> ha"
          " scritto:",
    "es": "El mar, 3 oct 2023 a las 10:15, Uppföljningen (<svar+x@example.se>) escribió:",
    "pl": "wt., 3 paź 2023 o 10:15 Uppföljningen <svar+x@example.se> napisał(a):",
    "wrapped": "On Tue, 3 Oct 2023 at 10:15, Uppföljningen <svar+x@example.se>\nwrote:",
    "no colon": "On Tue, 3 Oct 2023 at 10:15, Uppföljningen <svar+x@example.se> wrote",
    "time in name": "3 okt. 2023 kl. 10:15Anna Andersson <svar+x@example.se> skrev:",
}


@pytest.mark.parametrize("attribution", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_attributions_are_found_without_our_text(attribution: str) -> None:
    quote = "> Hej,\n>\n> en kollegas fråga som vi inte skickade.\n"
    extraction = read(f"{ANSWER}\n\n{attribution}\n{quote}", sent=())
    assert extraction.text == ANSWER
    assert not extraction.confident and "our own text not found" in extraction.reason


HEADERS = {
    "sv": ("Från", "Skickat", "Till", "Ämne"), "da": ("Fra", "Sendt", "Til", "Emne"),
    "fi": ("Lähettäjä", "Lähetetty", "Vastaanottaja", "Aihe"),
    "en": ("From", "Sent", "To", "Subject"), "de": ("Von", "Gesendet", "An", "Betreff"),
    "fr": ("De", "Envoyé", "À", "Objet"), "nl": ("Van", "Verzonden", "Aan", "Onderwerp"),
    "it": ("Da", "Inviato", "A", "Oggetto"), "es": ("De", "Enviado el", "Para", "Asunto"),
    "pl": ("Od", "Wysłano", "Do", "Temat"),
}


@pytest.mark.parametrize("labels", HEADERS.values(), ids=HEADERS.keys())
def test_outlook_header_blocks_are_found_in_every_language(labels: tuple[str, ...]) -> None:
    block = "\n".join(f"{label}: x" for label in labels)
    extraction = read(f"{ANSWER}\n\n{block}\n\nEn kollegas text.\n", sent=())
    assert extraction.text == ANSWER


@pytest.mark.parametrize("separator", [
    "-----Ursprungligt meddelande-----", "-----Ursprüngliche Nachricht-----",
    "-----Oprindelig meddelelse-----", "-----Opprinnelig melding-----",
    "-----Alkuperäinen viesti-----", "-----Original Message-----", "-----Reply Message-----",
    "-----Message d'origine-----", "-----Oorspronkelijk bericht-----",
    "-----Messaggio originale-----", "-----Mensaje original-----",
    "-----Wiadomość oryginalna-----", "---------- Forwarded message ---------"])
def test_separators_start_the_quote(separator: str) -> None:
    assert read(f"{ANSWER}\n\n{separator}\nEn kollegas text.\n", sent=()).text == ANSWER


def test_our_text_without_any_client_marker_is_still_the_quote() -> None:
    extraction = read(f"{ANSWER}\n\n{QUESTION_EN}\n")
    assert extraction.text == ANSWER and extraction.confident


@pytest.mark.parametrize("footer", ["Skickat från min iPhone", "Sent from my iPhone",
                                    "Hämta Outlook för iOS", "Von meinem iPhone gesendet",
                                    "Envoyé de mon iPhone", "Get Outlook for Android",
                                    "Sent from Yahoo Mail on Android"])
def test_a_whole_line_footer_is_cut(footer: str) -> None:
    assert read(f"{ANSWER}\n\n{footer}\n").text == ANSWER


def test_a_sentence_that_starts_like_a_footer_is_an_answer() -> None:
    body = "Vi jobbar hemifrån två dagar i veckan.\nSent from my desk, which is easier"
    assert read(body).text == body


def test_a_thread_looking_body_without_a_found_quote_is_kept_and_flagged() -> None:
    body = f"{ANSWER}\n\nFrån: någon\nTill: någon annan\n"
    extraction = read(body)
    assert extraction.text == body.strip()
    assert not extraction.confident and "looks like a thread" in extraction.reason
    repeated = read("Näringslivsarbetet under perioden: inget nytt.",
                    subject="SV: Näringslivsarbetet under perioden")
    assert not repeated.confident and "subject" in repeated.reason


def test_a_plain_answer_is_confident() -> None:
    extraction = read(ANSWER)
    assert extraction.text == ANSWER and extraction.confident


def test_html_only_outlook_reply_is_cut_at_its_divider_and_the_greeting_goes() -> None:
    html = ("<div>Hej!</div><div><br></div><div>Fyra möten.</div><div id=\"appendonsend\">"
            "</div><hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\">"
            "<b>Från:</b> någon</div><div>en kollegas text</div>")
    head = ("From: Lena Larsson <lena.larsson@example.se>\nSubject: SV: Fråga 3\n"
            "Content-Type: text/html; charset=utf-8\n\n")
    extraction = extract_reply(parse_mail((head + html).encode()), SENT)
    assert extraction.text == "Fyra möten."
    assert not extraction.confident  # our own text is not below the divider


def test_an_external_sender_banner_on_top_is_not_the_contacts_text() -> None:
    banner = ("EXTERN AVSÄNDARE: Det här mejlet kommer från en avsändare utanför organisationen."
              " Klicka inte på länkar om du inte känner igen avsändaren.")
    assert read(f"{banner}\n\nHej!\n\n{ANSWER}\n\n{GMAIL_SV}\n{QUOTE_SV}").text == ANSWER
    warning = "Varning: vi har fått mejl utanför ordinarie tid och svarar därför sent."
    assert read(f"{warning}\n\n{ANSWER}").text.startswith("Varning")  # a sentence, kept


@pytest.mark.parametrize("body", [
    "Vi har tre mål.\n\nTack!\n- fler företagsbesök\n- kortare handläggning",
    "We met twice.\n\nThanks\nto the council, the permits are faster now.",
    "This message confirms the intended plan for 2024: four meetings.",
    "Mvh-projektet är klart.\n\nMed vänlig hälsning\n- fler möten\n- kortare väntetider",
])
def test_what_only_looks_like_a_sign_off_or_notice_stays(body: str) -> None:
    assert read(f"{body}\n\n{GMAIL_SV}\n{QUOTE_SV}").text == body
