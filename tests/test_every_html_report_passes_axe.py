"""The HTML report, written to files and opened from disk in Chromium, has zero WCAG 2.1 AA
violations by axe-core: the consolidated report and every committee's report, with and
without the provenance appendix, for the seed's Norrmalm answers and committees in every state.
"""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from intake.records.report import write_reports
from tests.support.axe import assert_accessible, launch, new_page
from tests.support.reports import sample_period


def test_every_html_report_has_no_wcag_violations(tmp_path):
    report = sample_period()
    files = []
    for provenance in (False, True):
        out = tmp_path / ("with-provenance" if provenance else "plain")
        files += write_reports(report, ["html"], out, provenance=provenance)
        for committee in report.committees:
            files += write_reports(report, ["html"], out, committee=committee.committee,
                                   provenance=provenance)
    assert len(files) == 2 * (1 + len(report.committees))
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser)
        for path in files:
            page.goto(path.as_uri())
            assert_accessible(page, f"the report {path.relative_to(tmp_path)}")
        browser.close()
