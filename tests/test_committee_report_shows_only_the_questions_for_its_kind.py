from intake.records.report import render
from tests.support.reports import committee, period


def test_committee_report_shows_only_the_questions_for_its_kind():
    report = period(
        committee("Norrmalms stadsdelsnämnd", "district"), committee("Exempelhamnar AB", "company")
    )
    district = render(report, "md", "Norrmalms stadsdelsnämnd").decode("utf-8")
    company = render(report, "md", "Exempelhamnar AB").decode("utf-8")
    assert district.count("\n### ") == 9 - 1 + 1  # 8 questions and "Beskrivning"
    assert "## 4. Öka tillgången" not in district  # a focus area with no question is left out
    assert "## 4. Öka tillgången" in company and "lokala näringslivet inom" not in company
    assert district.rstrip().endswith("## Övriga upplysningar\n\n*Ej besvarad*")
