from intake.records.report import render, write_reports
from tests.support.reports import norrmalm, pdf_body_text, period, sample_period, words


def test_provenance_appendix_lists_when_who_channel_and_revisions(tmp_path):
    report = period(norrmalm())
    text = render(report, "md", "Norrmalms stadsdelsnämnd", provenance=True).decode("utf-8")
    appendix = text[text.index("## Bilaga: Svarens ursprung") :]
    assert (
        "| Arbetet med ”Växla upp Stockholm” | 2023-01-20 14:05 | Kim Exempelsson | Telegram | 1 |"
        in appendix
    )
    assert "| Övriga upplysningar | – | – | – | 0 |" in appendix
    assert "Svarens ursprung" not in render(report, "md", "Norrmalms stadsdelsnämnd").decode(
        "utf-8"
    )
    [pdf] = write_reports(sample_period(), ["pdf"], tmp_path, provenance=True)
    tokens = words(pdf_body_text(pdf, running=""))
    assert "Revisioner" in tokens and "Telegram" in tokens
