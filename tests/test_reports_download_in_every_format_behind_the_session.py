"""The dashboard's downloads: each committee's report and the consolidated one in every format,
with the right content type and file name, and nothing at all without a session."""

from __future__ import annotations

import io

import docx
import pytest

from intake.records.report import FORMATS
from tests.support.dashboard import DISTRICT, client, logged_in, submit_whole_form

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


def _text_of(fmt: str, body: bytes) -> str:
    if fmt == "docx":
        document = docx.Document(io.BytesIO(body))
        return "\n".join(p.text for p in document.paragraphs) + "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return body.decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_consolidated_report_downloads_in_each_format(engine, clock, fmt):
    submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    response = web.get(f"/report.{fmt}", params={"period": "2026 T3"})
    assert response.status_code == 200
    assert response.headers["content-type"] == TYPES[fmt]
    assert response.headers["content-disposition"] == \
        f'attachment; filename="2026-T3-naringsliv-sammanstallning.{fmt}"'
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF")
        return
    text = _text_of(fmt, response.content)
    for name in (DISTRICT, "Trafiknämnden", "Stockholms Hamn AB"):
        assert name in text, (fmt, name)
    assert "Svar på fråga 1." in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_committees_own_report_downloads_in_each_format(engine, clock, fmt):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    response = web.get(f"/committee/{assignment_id}/report.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"] == TYPES[fmt]
    assert response.headers["content-disposition"] == \
        f'attachment; filename="2026-T3-naringsliv-norrmalms-stadsdelsnamnd.{fmt}"'
    if fmt != "pdf":
        text = _text_of(fmt, response.content)
        assert DISTRICT in text and "Trafiknämnden" not in text


def test_the_pages_link_every_download(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    overview = web.get("/").text
    for fmt in FORMATS:
        assert f'href="/report.{fmt}?period=2026%20T3"' in overview
        assert f'href="/committee/{assignment_id}/report.{fmt}"' in \
            web.get(f"/committee/{assignment_id}").text
    assert 'href="/export.xlsx?period=2026%20T3"' in overview


def test_downloads_need_a_session(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = client(engine, clock)
    for path in ("/report.docx?period=2026 T3", "/report.pdf", "/report.md",
                 f"/committee/{assignment_id}/report.docx", "/export.xlsx?period=2026 T3"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 401, path
        assert b"PK" not in response.content[:2] and DISTRICT.encode() not in response.content
    for path in ("/report.html", f"/committee/{assignment_id}/report.html"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login"


def test_unknown_formats_rounds_and_committees_are_404(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    assert web.get("/report.exe").status_code == 404
    assert web.get("/report.docx", params={"period": "1999 VB"}).status_code == 404
    assert web.get(f"/committee/{assignment_id + 99}/report.md").status_code == 404
    assert web.get(f"/committee/{assignment_id}/report.txt").status_code == 404
