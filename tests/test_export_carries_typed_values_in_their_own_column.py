"""Export rows carry `value`: JSON has the option id, a number, true/false or "YYYY-MM-DD"
(null for text); the CSV has it in its own column, and Excel has numbers as number cells."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from intake.records.export import FIELDS, export_rows, to_csv
from intake.records.spreadsheet import to_xlsx
from intake.rounds.opening import find_round
from storage.db import transaction
from tests.support.helpers import load_roster, send
from tests.support.typed import open_goal_round

NORRMALM = "Norrmalms stadsdelsnämnd"


def _answered(engine, clock) -> list[dict]:
    load_roster(engine, clock())
    open_goal_round(engine, clock())
    for number, text in ((1, "Delvis uppfyllt"), (2, "1 250"), (3, "Fritt svar."),
                         (5, "12,5"), (13, "nej"), (14, "15 mars 2027")):
        send(engine, clock(), NORRMALM, "answer", channel="email", question=str(number),
             text=text)
    send(engine, clock(), NORRMALM, "not_applicable", channel="email", question="4")
    with transaction(engine) as session:
        return export_rows(session, find_round(session, "2026 VB"))


def test_json_rows_carry_the_value(engine, clock):
    rows = _answered(engine, clock)
    assert [(r["question_id"], r["value"]) for r in rows] == [
        ("bedomning-tillvaxt", "delvis"), ("foretagskontakter", 1250),
        ("motivering-tillvaxt", None), ("bedomning-service", None),
        ("handlaggningstid", 12.5), ("kontaktperson-utsedd", False),
        ("beslutsdatum", "2027-03-15")]
    assert rows[3]["answer"] == "Ej aktuellt"  # not applicable: no value


def test_csv_and_excel_have_the_value_in_its_own_column(engine, clock):
    rows = _answered(engine, clock)
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [r["value"] for r in table] == ["delvis", "1250", "", "", "12.5", "false",
                                          "2027-03-15"]
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, "2026 VB"))).active
    column = FIELDS.index("value") + 1
    assert sheet.cell(row=1, column=column).value == "value"
    cells = [sheet.cell(row=n, column=column) for n in range(2, 9)]
    assert [c.value for c in cells] == ["delvis", 1250, None, None, 12.5, False, "2027-03-15"]
    assert cells[1].data_type == "n" and cells[4].data_type == "n"  # they sum in Excel
