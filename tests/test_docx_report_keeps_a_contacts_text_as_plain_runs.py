import io

import docx

from intake.records.report import render
from tests.support.reports import committee, period

TEXT = 'Ett <w:b/> "citat" & </w:t></w:r> slut'


def test_docx_report_keeps_a_contacts_text_as_plain_runs():
    report = period(committee("Exempelnämnden", "specialist", answers={"matchning": TEXT}))
    document = docx.Document(io.BytesIO(render(report, "docx", "Exempelnämnden")))
    [paragraph] = [p for p in document.paragraphs if "citat" in p.text]
    assert paragraph.text == TEXT
    assert [run.bold for run in paragraph.runs] == [None]
