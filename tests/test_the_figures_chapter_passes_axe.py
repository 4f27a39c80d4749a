"""The consolidated HTML report of a form with typed questions (its "Resultat i siffror" with
the committees × focus-area table) has zero WCAG 2.1 AA violations by axe-core."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from intake.forms import find_form
from intake.records.report import AnswerEntry, CommitteeReport, PeriodReport, write_reports
from tests.support.axe import assert_accessible, launch, new_page
from tests.support.reports import ANSWERED_AT, GENERATED_AT


def _committee(name: str, kind: str, status: str, values: dict[str, tuple[str, object]]):
    answers = {qid: AnswerEntry(qid, text, "answered", ANSWERED_AT, "Alex Exempel", "email", 1,
                                value) for qid, (text, value) in values.items()}
    return CommitteeReport(name, kind, status, ANSWERED_AT, "Alex Exempel", "08-000 00 01",
                           "alex.exempel@example.se", answers)


def test_the_figures_chapter_has_no_wcag_violations(tmp_path):
    report = PeriodReport(find_form("vb-malbedomning"), "2026 VB", [
        _committee("Norrmalms stadsdelsnämnd", "district", "submitted", {
            "bedomning-tillvaxt": ("Helt uppfyllt", "helt"),
            "foretagskontakter": ("1 250 st", 1250), "kontaktperson-utsedd": ("Ja", True),
            "beslutsdatum": ("2027-02-10", "2027-02-10")}),
        _committee("Trafiknämnden", "specialist", "in_progress", {
            "bedomning-tillvaxt": ("Delvis uppfyllt", "delvis"),
            "bedomning-service": ("Inte uppfyllt", "inte")}),
    ], GENERATED_AT)
    [path] = write_reports(report, ["html"], tmp_path)
    assert "Resultat i siffror" in path.read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser)
        page.goto(path.as_uri())
        assert_accessible(page, "the consolidated report with figures")
        browser.close()
