from intake.records.report import write_reports
from tests.support.reports import contains_in_order, docx_text, norrmalm, period, seed_items, words


def test_golden_norrmalm_docx_reads_back_the_seed_in_order(tmp_path):
    report = period(norrmalm())
    [path] = write_reports(report, ["docx"], tmp_path, committee="Norrmalms stadsdelsnämnd")
    text = words(docx_text(path))
    assert contains_in_order(text, seed_items() + ["Ej besvarad"]) is None
