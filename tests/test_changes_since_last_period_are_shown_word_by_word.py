"""What changed since the last period: a word-level diff of each answer against the same
question's answer in the committee's previous round; copies marked unchanged; `intake report
--changes` adds the chapter "Förändringar sedan föregående period" to every format."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime

from playwright.sync_api import sync_playwright

from intake.clock import as_utc
from intake.records.changes import Piece, word_diff
from intake.web.views import committee_page
from storage.db import transaction
from tests.support.axe import assert_accessible, launch, new_page
from tests.support.dashboard import PASSWORD, add_account, logged_in, running_dashboard
from tests.support.helpers import assignment_of, load_roster, open_test_round, run_cli, send
from tests.support.reports import docx_text, pdf_body_text, words

NORRMALM = "Norrmalms stadsdelsnämnd"
TRAFIK = "Trafiknämnden"
BEFORE = "Vi träffar företagen två gånger per år i Företagslotsen."
AFTER = "Vi träffar företagen fyra gånger per år i Företagslotsen och på mässor."


def test_a_word_level_diff_keeps_insertions_and_deletions_apart():
    assert word_diff(BEFORE, AFTER) == (
        Piece("same", "Vi träffar företagen"), Piece("del", "två"), Piece("ins", "fyra"),
        Piece("same", "gånger per år i"), Piece("del", "Företagslotsen."),
        Piece("ins", "Företagslotsen och på mässor."))
    assert word_diff("Samma  text.\n\nHär", "Samma text. Här") == (
        Piece("same", "Samma text. Här"),)


def _two_rounds(engine, clock) -> None:
    load_roster(engine, clock())
    open_test_round(engine, clock(), period="2026 T2", deadline=as_utc(datetime(2026, 12, 1)))
    for name in (NORRMALM, TRAFIK):
        send(engine, clock(), name, "answer", channel="email", question="vaxla-upp-stockholm",
             text=BEFORE)
    open_test_round(engine, clock(), period="2026 T3")
    send(engine, clock(), NORRMALM, "answer", channel="email", question="vaxla-upp-stockholm",
         text=AFTER)
    send(engine, clock(), TRAFIK, "same_as_last", channel="email",
         question="vaxla-upp-stockholm")
    send(engine, clock(), TRAFIK, "answer", channel="email", question="svart-ekonomi",
         text="Ett nytt svar.")


def test_the_changes_chapter_in_every_format(cli_env, engine, clock, tmp_path):
    _two_rounds(engine, clock)
    plain = run_cli("report", "--period", "2026 T3", "--format", "md", "--out",
                    str(tmp_path / "plain"))
    assert plain.exit_code == 0 and "Förändringar" not in next(
        (tmp_path / "plain").iterdir()).read_text("utf-8")
    result = run_cli("report", "--period", "2026 T3", "--format", "docx,pdf,html,md",
                     "--changes", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    paths = {p.suffix: p for p in (tmp_path / "out").iterdir()}
    page = paths[".html"].read_text("utf-8")
    assert ('<span class="change-label">[Borttaget:</span> <del>två</del>'
            '<span class="change-label">]</span> <span class="change-label">[Tillagt:</span> '
            '<ins>fyra</ins>') in page
    assert "Oförändrat: Trafiknämnden (oförändrad kopia)" in page
    assert "Nytt svar, inget svar 2026 T2" in page

    markdown = paths[".md"].read_text("utf-8")
    assert "\\[Borttaget: ~~två~~\\] \\[Tillagt: <ins>fyra</ins>\\]" in markdown

    with zipfile.ZipFile(paths[".docx"]) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert re.search(r'<w:del w:id="\d+" w:author="intake" w:date="[^"]+"><w:r>'
                     r'<w:delText xml:space="preserve">två </w:delText></w:r></w:del>', xml)
    assert re.search(r'<w:ins w:id="\d+" w:author="intake" w:date="[^"]+"><w:r>'
                     r'<w:t xml:space="preserve">fyra </w:t></w:r></w:ins>', xml)
    docx_words = " ".join(words(docx_text(paths[".docx"])))
    assert "Förändringar sedan föregående period" in docx_words

    pdf = " ".join(words(pdf_body_text(paths[".pdf"], running="UPPFÖLJNINGSRAPPORT NÄRINGSLIV "
                                                              "– Sammanställning 2026 T3")))
    chapter = pdf[pdf.rindex("Förändringar sedan föregående period"):]
    assert "Vi träffar företagen [Borttaget: två] [Tillagt: fyra] gånger per år i" in chapter
    assert "Oförändrat: Trafiknämnden (oförändrad kopia)" in chapter


def test_the_committee_page_shows_the_change_and_marks_a_copy(cli_env, engine, clock):
    _two_rounds(engine, clock)
    with transaction(engine) as session:
        norrmalm = committee_page(session, assignment_of(session, NORRMALM), clock())
        trafik = committee_page(session, assignment_of(session, TRAFIK), clock())
    change = next(q for q in norrmalm["questions"] if q["id"] == "vaxla-upp-stockholm")["change"]
    assert change["period"] == "2026 T2" and change["state"] == "changed"
    assert Piece("ins", "fyra") in change["pieces"]
    copied = next(q for q in trafik["questions"] if q["id"] == "vaxla-upp-stockholm")["change"]
    assert (copied["state"], copied["copied"]) == ("unchanged", True)
    new = next(q for q in trafik["questions"] if q["id"] == "svart-ekonomi")["change"]
    assert new["state"] == "new"


def test_the_committee_page_renders_the_change_with_words(cli_env, engine, clock):
    _two_rounds(engine, clock)
    with transaction(engine) as session:
        norrmalm = assignment_of(session, NORRMALM).id
        trafik = assignment_of(session, TRAFIK).id
    web = logged_in(engine, clock)
    page = web.get(f"/committee/{norrmalm}").text
    assert "Ändrat sedan 2026 T2" in page
    assert ('<span class="change-label">[Borttaget:</span> <del>två</del>'
            '<span class="change-label">]</span>') in page
    assert "= Oförändrat sedan 2026 T2 (kopierat med ”Samma som förra perioden”)." in \
        web.get(f"/committee/{trafik}").text


def test_the_committee_page_with_changes_passes_axe(cli_env, engine, clock, tmp_path):
    _two_rounds(engine, clock)
    add_account(engine, clock, "anna.samordnare@example.se")
    with transaction(engine) as session:
        pages = [assignment_of(session, name).id for name in (NORRMALM, TRAFIK)]
    with running_dashboard(engine, tmp_path / "var") as base, sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser)
        page.goto(f"{base}/login")
        page.get_by_label("E-postadress").fill("anna.samordnare@example.se")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        for assignment_id in pages:
            page.goto(f"{base}/committee/{assignment_id}")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.locator(".change").count() >= 1
            assert_accessible(page, f"the committee page {assignment_id} with changes")
        browser.close()
