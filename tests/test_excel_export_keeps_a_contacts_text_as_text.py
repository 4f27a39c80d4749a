"""The Excel export: the CSV's rows in a workbook, and a contact's text that looks like a
formula stays text (a formula would run, or link, in the coordinator's Excel)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from intake.records.export import FIELDS, export_rows
from intake.records.spreadsheet import sheet_title, to_xlsx
from intake.rounds.opening import find_round
from storage.db import transaction
from tests.support.dashboard import DISTRICT, logged_in
from tests.support.helpers import load_roster, open_test_round, send

EVIL = [
    '=HYPERLINK("http://evil.example.se/","Klicka här")',
    "+SUM(1;2)",
    "@cmd|' /C calc'!A0",
    "-2+3\noch en rad till",
]


def _answer(engine, clock) -> None:
    load_roster(engine, clock())
    open_test_round(engine, clock())
    send(engine, clock(), DISTRICT, "start")
    for text in EVIL:
        send(engine, clock(), DISTRICT, "text", text=text)
        send(engine, clock(), DISTRICT, "next")


def test_the_workbook_has_a_header_and_one_row_per_answer(engine, clock):
    _answer(engine, clock)
    web = logged_in(engine, clock)
    response = web.get("/export.xlsx", params={"period": "2026 T3"})
    assert response.status_code == 200
    assert response.headers["content-type"] == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"] == 'attachment; filename="svar-2026-T3.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["2026 T3"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == FIELDS
    with transaction(engine) as session:
        expected = export_rows(session, find_round(session, "2026 T3"))
    assert len(rows) - 1 == len(expected) == len(EVIL)
    for got, want in zip(rows[1:], expected, strict=True):
        assert got == tuple(want[key] for key in FIELDS)


def test_text_that_looks_like_a_formula_stays_text(engine, clock):
    _answer(engine, clock)
    web = logged_in(engine, clock)
    body = web.get("/export.xlsx", params={"period": "2026 T3"}).content
    sheet_xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    book = load_workbook(io.BytesIO(body))
    answers = [row[FIELDS.index("answer")] for row in book.active.iter_rows(min_row=2)]
    assert [cell.value for cell in answers] == EVIL  # verbatim, no quote added
    for cell in answers:
        assert cell.data_type == "s"
        assert cell.quotePrefix, cell.value  # Excel keeps it text even when it is edited


def test_control_characters_are_dropped_and_odd_periods_make_valid_sheet_names():
    rows = [{"committee": "Nämnd", "answer": "a\x00b\x1bc", "revisions": 1}]
    book = load_workbook(io.BytesIO(to_xlsx(rows, "2026/27: T1")))
    assert book.active.title == sheet_title("2026/27: T1") == "2026-27- T1"
    assert book.active.cell(row=2, column=FIELDS.index("answer") + 1).value == "abc"
