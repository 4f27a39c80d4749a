"""The PDF report states its language (sv-SE) and its title, for screen readers and for the
viewer's title bar; a committee's PDF is tagged (PDF/UA-1), so its headings, lists and tables
are structure, not only drawn text. Read back with poppler's pdfinfo and from the PDF objects.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

from intake.records.report import render
from tests.support.dashboard import DISTRICT
from tests.support.reports import sample_period

FORM_TITLE = "UPPFÖLJNINGSRAPPORT NÄRINGSLIV"


def pdfinfo(pdf: Path, *options: str) -> str:
    tool = shutil.which("pdfinfo")
    assert tool, "pdfinfo (Debian package poppler-utils, see system-packages-test.txt) is missing"
    return subprocess.run([tool, *options, str(pdf)], check=True, capture_output=True,
                          text=True).stdout


def info(pdf: Path) -> dict[str, str]:
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in pdfinfo(pdf).splitlines())}


def objects_text(data: bytes) -> bytes:
    """The file with every Flate stream inflated: object streams hide the catalog otherwise."""
    inflated = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            inflated.append(zlib.decompressobj().decompress(data[match.end():]))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def languages(data: bytes) -> set[str]:
    found = set()
    for value in re.findall(rb"/Lang\s*(\([^)]*\)|<[0-9A-Fa-f]+>)", objects_text(data)):
        if value.startswith(b"<"):
            raw = bytes.fromhex(value[1:-1].decode())
            found.add(raw.decode("utf-16") if raw[:2] in (b"\xfe\xff", b"\xff\xfe")
                      else raw.decode("latin-1"))
        else:  # a literal string: undo its \ddd and \x escapes
            text = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)])
                          if m[1].isdigit() else m[1], value[1:-1])
            found.add(text.decode("latin-1"))
    return found


def _committee_pdf(tmp_path: Path) -> Path:
    pdf = tmp_path / "committee.pdf"
    pdf.write_bytes(render(sample_period(), "pdf", DISTRICT))
    return pdf


def test_a_committee_pdf_has_language_and_title(tmp_path):
    pdf = _committee_pdf(tmp_path)
    assert info(pdf)["Title"] == f"{FORM_TITLE} – {DISTRICT} – 2022 VB"
    assert languages(pdf.read_bytes()) in ({"sv"}, {"sv-SE"})


def test_a_committee_pdf_is_tagged_pdf_ua(tmp_path):
    pdf = _committee_pdf(tmp_path)
    assert info(pdf)["Tagged"] == "yes"
    # XMP allows the property as an attribute or as an element.
    assert re.search(r'pdfuaid:part(="1"|>1</pdfuaid:part)', pdfinfo(pdf, "-meta"))


def test_the_consolidated_pdf_has_language_and_title(tmp_path):
    pdf = tmp_path / "period.pdf"
    pdf.write_bytes(render(sample_period(), "pdf"))
    assert info(pdf)["Title"] == f"{FORM_TITLE} – Sammanställning – 2022 VB"
    assert languages(pdf.read_bytes()) in ({"sv"}, {"sv-SE"})
