"""The sample messages under tests/mail/samples and what the bot sent in their thread."""

from pathlib import Path

from bot.mail.parsing import IncomingMail, parse_mail

SAMPLES = Path(__file__).resolve().parents[1] / "mail" / "samples"
TOKEN = "Q3xK7pLm2vR8"

QUESTION_SV = f"""Hej Kim Exempelsson,

Fråga 3 av 9: Beskriv hur nämnden har arbetat med näringslivsfrågor under perioden.

Svara på det här mejlet. Skriv ditt svar överst; allt under din text tas bort.

Med vänlig hälsning
Uppföljningen, stadsledningskontoret
Svarsadress: svar+{TOKEN}@example.se"""

QUESTION_EN = f"""Hello Kim Exempelsson,

Question 3 of 9: Describe how the committee has worked with business matters during the period.

Reply to this e-mail. Write your answer at the top; everything below your text is removed.

Kind regards
The follow-up team, City Executive Office
Reply address: svar+{TOKEN}@example.se"""

# What extract_reply gets in production: the bodies the bot sent in the thread and the token.
SENT = (QUESTION_SV, QUESTION_EN, f"svar+{TOKEN}")


def raw(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def load(name: str) -> IncomingMail:
    return parse_mail(raw(name))
