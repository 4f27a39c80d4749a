"""The done-when test of typed questions: a round on the goal-assessment form, answered by mail
and in the Telegram chat with every kind (and some refusals on the way), gives `intake summary
--json` figures that match a hand count, and the consolidated DOCX, PDF, HTML and Markdown
show the same figures."""

from __future__ import annotations

import html
import re

from tests.support.helpers import load_roster, run_cli, send
from tests.support.reports import docx_text, pdf_body_text, words
from tests.support.typed import open_goal_round

PERIOD = "2026 VB"
ROSTER = """committee,kind,contact_name,email,phone,role,language
Norrmalms stadsdelsnämnd,district,Kim Exempelsson,kim.exempelsson@example.se,08-000 00 00,main,sv
Södermalms stadsdelsnämnd,district,Eli Provsson,eli.provsson@example.se,08-000 00 04,main,sv
Trafiknämnden,specialist,Robin Provström,robin.provstrom@example.se,08-000 00 02,main,sv
Kulturnämnden,specialist,Vera Testberg,vera.testberg@example.se,08-000 00 05,main,sv
Stockholms Hamn AB,company,Sam Demosson,sam.demosson@example.se,08-000 00 03,main,en
"""
# Per committee, the answers to questions 1-15 as the contact gives them (None: skipped).
MAIL = {
    "Norrmalms stadsdelsnämnd": [
        "Helt uppfyllt", "1 250", "Vi har träffat många företag.", "2", "12,5 dagar",
        "Handläggningen har blivit snabbare.", "Delvis uppfyllt", "4", "Fyra platser.",
        "inte uppfyllt", "30 st", "Få praktikplatser.", "ja", "2027-02-10", None],
    "Trafiknämnden": [
        "Delvis uppfyllt", "40", "Dialog med åkerierna.", "Inte uppfyllt", "20,5",
        "Längre handläggning.", "delvis  uppfyllt", "0", "Ingen platssamverkan än.",
        "Helt uppfyllt", "5", "Feriejobb i trafiken.", "nej", "1 mars 2027", None],
}
CHAT = {  # "button:" is a press of an option's or yes/no's button
    "Södermalms stadsdelsnämnd": [
        "button:1", "800", "Företagsfrukostar varje månad.", "button:1", "8",
        "Snabbare bygglov.", "button:3", "2", "Två platser.", "button:2", "12",
        "Samarbete med gymnasiet.", "button:no", "12 februari 2027", "Inget att tillägga."],
    "Stockholms Hamn AB": [
        "Partly met", "10", "Meetings with shipping firms.", "Fully met", "3",
        "Short handling times.", "Not met", "1", "One port area.", "Partly met", "100",
        "Summer jobs in the port.", "yes", "15 March 2027", None],
}
# The same as a person counts them from the lists above.
HAND_COUNT = {
    "period": PERIOD, "committees": 5, "submitted": 4, "missing": ["Kulturnämnden"],
}
CHOICES = {
    "bedomning-tillvaxt": {"helt": 2, "delvis": 2, "inte": 0},
    "bedomning-service": {"helt": 2, "delvis": 1, "inte": 1},
    "bedomning-miljoer": {"helt": 0, "delvis": 2, "inte": 2},
    "bedomning-arbetskraft": {"helt": 1, "delvis": 2, "inte": 1},
}
NUMBERS = {  # sum, min, median, max, unit
    "foretagskontakter": (2100, 10, 420, 1250, "st"),
    "handlaggningstid": (44, 3, 10.25, 20.5, "dagar"),
    "platssamverkan-platser": (7, 0, 1.5, 4, "st"),
    "praktikplatser": (147, 5, 21, 100, "st"),
}


def _answer_round(engine, clock) -> list:
    load_roster(engine, clock(), ROSTER)
    open_goal_round(engine, clock(), period=PERIOD)
    refusals = []
    for name, answers in MAIL.items():
        send(engine, clock(), name, "start", channel="email")
        for number, text in enumerate(answers, 1):
            if number == 1:  # a wrong try first: refused, the question comes again
                refusals += send(engine, clock(), name, "answer", channel="email",
                                 question="1", text="ungefär hälften")
            if text is not None:
                send(engine, clock(), name, "answer", channel="email", question=str(number),
                     text=text)
        send(engine, clock(), name, "submit", channel="email")
        send(engine, clock(), name, "submit", channel="email")
    for name, answers in CHAT.items():
        send(engine, clock(), name, "start")
        for number, text in enumerate(answers, 1):
            if number == 8:
                refusals += send(engine, clock(), name, "text", text="-5")
            if text is None:
                send(engine, clock(), name, "skip")
            elif text.startswith("button:"):
                send(engine, clock(), name, "answer", question=str(number),
                     text=text.removeprefix("button:"))
            else:
                send(engine, clock(), name, "text", text=text)
                if number in (3, 6, 9, 12, 15):  # free text: several messages until "next"
                    send(engine, clock(), name, "next")
        send(engine, clock(), name, "submit")
        send(engine, clock(), name, "submit")
    return refusals


def test_summary_json_matches_the_hand_count(cli_env, engine, clock):
    refusals = _answer_round(engine, clock)
    assert [r.data["refusal"]["reason"] for r in refusals] == [
        "choice", "choice", "below_min", "below_min"]
    assert all(r.template == "question" for r in refusals)
    summary = run_cli("summary", "--period", PERIOD, "--json").json()
    assert {k: summary[k] for k in HAND_COUNT} == HAND_COUNT
    questions = {q["question_id"]: q for q in summary["questions"]}
    assert list(questions)[:3] == ["bedomning-tillvaxt", "foretagskontakter",
                                   "motivering-tillvaxt"]
    for question_id, counts in CHOICES.items():
        assert questions[question_id] == {
            "question_id": question_id, "kind": "choice", "answered": 4, "counts": counts,
            "min": None, "max": None, "sum": None, "median": None, "unit": None}
    for question_id, (total, low, middle, high, unit) in NUMBERS.items():
        assert questions[question_id] == {
            "question_id": question_id, "kind": "number", "answered": 4, "counts": None,
            "min": low, "max": high, "sum": total, "median": middle, "unit": unit}
    assert questions["kontaktperson-utsedd"]["counts"] == {"yes": 2, "no": 2}
    assert questions["beslutsdatum"]["answered"] == 4
    assert questions["motivering-service"]["answered"] == 4
    assert questions["ovriga-upplysningar"] == {
        "question_id": "ovriga-upplysningar", "kind": "text", "answered": 1, "counts": None,
        "min": None, "max": None, "sum": None, "median": None, "unit": None}
    assert isinstance(questions["foretagskontakter"]["sum"], int)

    table = run_cli("summary", "--period", PERIOD).stdout
    assert f"{PERIOD}: 4 of 5 submitted" in table and "not submitted: Kulturnämnden" in table
    assert "bedomning-tillvaxt (choice): 4 answered; helt 2, delvis 2, inte 0" in table
    unknown = run_cli("summary", "--period", "1999 VB", "--json")
    assert unknown.exit_code == 1 and "no round for period '1999 VB'" in unknown.stderr

    exported = run_cli("export", "--period", PERIOD, "--committee", "Stockholms Hamn AB").json()
    values = {row["question_id"]: row["value"] for row in exported}
    assert values["bedomning-tillvaxt"] == "delvis" and values["praktikplatser"] == 100
    assert values["kontaktperson-utsedd"] is True and values["beslutsdatum"] == "2027-03-15"
    assert values["motivering-tillvaxt"] is None


EXPECTED = [  # in the report's order
    "Resultat i siffror", "4 av 5 har lämnat in", "Har inte lämnat in", "Kulturnämnden",
    "Bedömning per fokusområde",
    "Norrmalms stadsdelsnämnd", "Helt uppfyllt", "Delvis uppfyllt", "Delvis uppfyllt",
    "Inte uppfyllt",
    "1. Stimulera tillväxt och företagsamhet",
    "Hur bedömer nämnden måluppfyllelsen inom fokusområdet?", "Besvarad av 4 av 5",
    "Helt uppfyllt: 2 av 5", "Delvis uppfyllt: 2 av 5", "Inte uppfyllt: 0 av 5",
    "Helt uppfyllt", "Norrmalms stadsdelsnämnd, Södermalms stadsdelsnämnd",
    "Delvis uppfyllt", "Trafiknämnden, Stockholms Hamn AB",
    "Summa", "Lägsta", "Median", "Högsta", "2 100 st", "10 st", "420 st", "1 250 st",
    "2. Förbättra service, tillgänglighet och myndighetsutövning",
    "Helt uppfyllt: 2 av 5", "Delvis uppfyllt: 1 av 5", "Inte uppfyllt: 1 av 5",
    "44 dagar", "3 dagar", "10,25 dagar", "20,5 dagar",
    "3. Attraktivare miljöer och bättre framkomlighet", "7 st", "0 st", "1,5 st", "4 st",
    "4. Öka tillgången till arbetskraft med relevant kompetens",
    "Helt uppfyllt: 1 av 5", "Delvis uppfyllt: 2 av 5", "147 st", "5 st", "21 st", "100 st",
    "5. Beslut om bedömningen", "Ja: 2 av 5", "Nej: 2 av 5",
    "Tidigast", "Senast", "2027-02-10", "2027-03-15",
]


def _in_order(text: str, expected: list[str]) -> str | None:
    haystack = " ".join(words(text))
    position = 0
    for needle in expected:
        found = haystack.find(" ".join(words(needle)), position)
        if found < 0:
            return needle
        position = found + len(needle)
    return None


def test_the_consolidated_report_shows_the_same_figures_in_every_format(cli_env, engine, clock,
                                                                        tmp_path):
    _answer_round(engine, clock)
    result = run_cli("report", "--period", PERIOD, "--format", "docx,pdf,html,md",
                     "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    paths = {p.suffix: p for p in tmp_path.iterdir()}
    texts = {
        ".docx": docx_text(paths[".docx"]),
        ".pdf": pdf_body_text(paths[".pdf"], running=f"MÅLBEDÖMNING NÄRINGSLIV – "
                                                     f"Sammanställning {PERIOD}"),
        ".html": html.unescape(re.sub(r"<[^>]+>", " ", paths[".html"].read_text("utf-8"))),
        ".md": re.sub(r"\\(.)", r"\1", paths[".md"].read_text("utf-8")).replace("|", " "),
    }
    for suffix, text in texts.items():
        figures = text[text.index("Resultat i siffror", text.index("Resultat i siffror") + 1):]
        assert _in_order(figures, EXPECTED) is None, (suffix, _in_order(figures, EXPECTED))
        # The contents lists the chapter before the overview's table has started.
        assert text.index("Resultat i siffror") < text.index("Kulturnämnden")
