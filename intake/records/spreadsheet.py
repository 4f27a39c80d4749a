"""Every current answer of a round as an Excel workbook: the CSV's rows, one sheet.

A typed answer's value has its own column: a number is a number cell (it sums), yes/no a
boolean, an option id or a date stays text.

A contact's text must stay text. openpyxl stores any string that starts with "=" as a
formula, and Excel evaluates formulas (and, on editing, text that starts with "+", "-" or
"@"), so an answer such as `=HYPERLINK("http://evil.example", "Klicka")` would become a live
link or worse in the coordinator's spreadsheet. Every string cell is therefore written as a
string, and risky ones also get Excel's "quote prefix", which keeps them text even when the
cell is edited. The text itself is never changed, apart from control characters that the
file format cannot hold.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from intake.records.export import FIELDS

# What spreadsheet programs may read as the start of a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
WIDTHS = {"committee": 32, "question_id": 12, "question": 50, "answer": 80, "value": 14,
          "channel": 10, "answered_at": 26, "revisions": 10}
_SHEET_NAME_BAD = re.compile(r"[\\/*?:\[\]]")


def sheet_title(period: str) -> str:
    """A valid sheet name: no \\ / * ? : [ ], at most 31 characters."""
    return (_SHEET_NAME_BAD.sub("-", period).strip("'") or "Svar")[:31]


def to_xlsx(rows: Sequence[dict[str, Any]], period: str,
            generated_at: datetime | None = None) -> bytes:
    """The workbook as bytes: a header row, then one row per answer, as in the CSV."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(period)
    sheet.append(list(FIELDS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(FIELDS, start=1):
            _put(sheet.cell(row=number, column=column), row.get(key))
    for column, key in enumerate(FIELDS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = \
            WIDTHS.get(key, 15)
    if generated_at is not None:
        # The same data gives the same file contents, not a new timestamp per download.
        stamp = generated_at.replace(tzinfo=None)
        book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(cell: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        cell.value = value
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    # Set after the value: assigning a value lets openpyxl guess "f" (formula) again.
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    if "\n" in text:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
