import time
from datetime import timedelta

from intake.records.report import FORMATS, PeriodReport, render
from tests.support.reports import sample_period


def test_same_data_renders_byte_identical_files():
    first = {
        (f, c): render(sample_period(), f, c, True)
        for f in FORMATS
        for c in (None, "Norrmalms stadsdelsnämnd")
    }
    time.sleep(1.1)  # anything stamped with the wall clock would now differ
    for (fmt, who), data in first.items():
        assert render(sample_period(), fmt, who, True) == data, (fmt, who)
    # The only thing that moves the bytes is the pinned timestamp.
    report = sample_period()
    later = PeriodReport(
        report.form, report.period, report.committees, report.generated_at + timedelta(days=1)
    )
    assert render(later, "docx") != first[("docx", None)]
