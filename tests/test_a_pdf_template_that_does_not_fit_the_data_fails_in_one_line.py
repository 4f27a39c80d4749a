"""An office restyles intake/templates/report/*.typ; a template that names data the report does not
have (or is broken) gives one clear line naming the template, and no file is written."""

import shutil

import pytest

from intake.records.report import ReportError, typeset, write_reports
from tests.support.reports import sample_period


def test_a_template_naming_a_missing_field_fails_with_one_line_and_writes_nothing(
    tmp_path, monkeypatch
):
    templates = tmp_path / "templates"
    shutil.copytree(typeset.REPORT_TEMPLATES, templates)
    committee_template = templates / "committee.typ"
    committee_template.write_text(
        committee_template.read_text(encoding="utf-8") + "\n#form.missing_section\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(typeset, "REPORT_TEMPLATES", templates)
    out = tmp_path / "out"
    with pytest.raises(ReportError) as failure:
        write_reports(sample_period(), ["md", "pdf"], out, committee="Norrmalms stadsdelsnämnd")
    message = str(failure.value)
    assert "committee.typ" in message and "missing_section" in message
    assert "\n" not in message
    assert not out.exists() or not any(out.iterdir())
