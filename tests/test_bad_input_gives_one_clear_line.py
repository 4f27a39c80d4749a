import pytest

from intake.records.report import (
    AnswerEntry,
    CommitteeReport,
    PeriodReport,
    ReportError,
    write_reports,
)
from tests.support.reports import norrmalm, period, sample_period


def one_line(excinfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    return message


def test_unknown_committee(tmp_path):
    with pytest.raises(ReportError) as excinfo:
        write_reports(sample_period(), ["md"], tmp_path, committee="Normalms stadsdelsnämnd")
    assert "no committee named 'Normalms stadsdelsnämnd' in period 2022 VB" in one_line(excinfo)
    assert "did you mean 'Norrmalms stadsdelsnämnd'" in one_line(excinfo)
    assert list(tmp_path.iterdir()) == []


def test_output_folder_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ReportError) as excinfo:
        write_reports(sample_period(), ["md"], blocker / "reports")
    assert one_line(excinfo).startswith("cannot create output folder")


def test_form_snapshot_lacking_a_section_the_template_expects(tmp_path):
    report = period(norrmalm())
    form = report.form.model_copy(update={"follow_up": None})
    with pytest.raises(ReportError) as excinfo:
        write_reports(
            PeriodReport(form, "2022 VB", report.committees, report.generated_at),
            ["docx"],
            tmp_path,
        )
    assert "has no follow_up section" in one_line(excinfo)


def test_answer_to_a_question_the_form_lacks(tmp_path):
    base = norrmalm()
    stray = CommitteeReport(**{**base.__dict__, "answers": {"okand": AnswerEntry("okand", "x")}})
    with pytest.raises(ReportError) as excinfo:
        write_reports(period(stray), ["md"], tmp_path)
    assert "'okand'" in one_line(excinfo)


def test_unknown_format_and_period(tmp_path):
    with pytest.raises(ReportError) as excinfo:
        write_reports(sample_period(), ["odt"], tmp_path)
    assert "unknown report format 'odt'" in one_line(excinfo)
    with pytest.raises(ReportError):
        period(norrmalm(), period="VB 2022")
