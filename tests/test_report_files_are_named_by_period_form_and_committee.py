from intake.records.report import write_reports
from tests.support.reports import sample_period


def test_report_files_are_named_by_period_form_and_committee(tmp_path):
    report = sample_period()
    paths = write_reports(report, ["docx", "pdf"], tmp_path, committee="norrmalms stadsdelsnämnd")
    assert [p.name for p in paths] == [
        "2022-VB-naringsliv-norrmalms-stadsdelsnamnd.docx",
        "2022-VB-naringsliv-norrmalms-stadsdelsnamnd.pdf",
    ]
    [path] = write_reports(report, ["pdf"], tmp_path)
    assert path.name == "2022-VB-naringsliv-sammanstallning.pdf"
    [path] = write_reports(report, ["md"], tmp_path, committee="Älvsjö exempelnämnd")
    assert path.name == "2022-VB-naringsliv-alvsjo-exempelnamnd.md"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "2022-VB-naringsliv-norrmalms-stadsdelsnamnd.docx",
            "2022-VB-naringsliv-alvsjo-exempelnamnd.md",
            "2022-VB-naringsliv-norrmalms-stadsdelsnamnd.pdf",
            "2022-VB-naringsliv-sammanstallning.pdf",
        ]
    )
