import io
import zipfile

import docx

from intake.records.report import render
from tests.support.reports import sample_period


def test_docx_report_has_heading_styles_swedish_language_and_a_toc():
    data = render(sample_period(), "docx")
    document = docx.Document(io.BytesIO(data))
    styles = {p.style.name for p in document.paragraphs if p.text}
    assert {"Heading 1", "Heading 2", "Heading 3", "Title"} <= styles
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == [
        "Översikt över inrapporteringen",
        "1. Stimulera tillväxt och företagsamhet",
        "2. Förbättra service, tillgänglighet och myndighetsutövning",
    ]
    assert (
        document.core_properties.title == "UPPFÖLJNINGSRAPPORT NÄRINGSLIV – Sammanställning 2022 VB"
    )
    assert document.core_properties.language == "sv-SE"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles_xml = package.read("word/styles.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
        settings = package.read("word/settings.xml").decode("utf-8")
    assert '<w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="sv-SE"/>' in styles_xml
    assert 'TOC \\o "1-2" \\h \\z \\u' in body and body.count('w:fldCharType="begin"') >= 1
    assert '<w:updateFields w:val="true"/>' in settings
