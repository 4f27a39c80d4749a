"""The finished report: per committee in the form's layout, and consolidated per focus area.

Channel-free and database-free: the loader fills the dataclasses in `model`, this package
renders them as DOCX, HTML, Markdown and PDF.
"""

# The submodule `render` is loaded first, so that the function `render` imported below is what
# `intake.records.report.render` names: loading the submodule later would put the module
# in its place.
import intake.records.report.render  # noqa: F401
from intake.records.report.model import AnswerEntry, CommitteeReport, PeriodReport, ReportError
from intake.records.report.writing import FORMATS, file_name, render, write_reports

__all__ = [
    "FORMATS",
    "AnswerEntry",
    "CommitteeReport",
    "PeriodReport",
    "ReportError",
    "file_name",
    "render",
    "write_reports",
]
