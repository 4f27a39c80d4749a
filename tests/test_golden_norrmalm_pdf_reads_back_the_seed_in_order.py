from intake.records.report import write_reports
from tests.support.reports import (
    contains_in_order,
    norrmalm,
    pdf_body_text,
    period,
    seed_items,
    words,
)


def test_golden_norrmalm_pdf_reads_back_the_seed_in_order(tmp_path):
    report = period(norrmalm())
    [path] = write_reports(report, ["pdf"], tmp_path, committee="Norrmalms stadsdelsnämnd")
    text = words(pdf_body_text(path, running="Norrmalms stadsdelsnämnd – 2022 VB"))
    assert contains_in_order(text, seed_items() + ["Ej besvarad"]) is None
