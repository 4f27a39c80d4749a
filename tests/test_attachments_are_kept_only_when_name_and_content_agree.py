"""Which attached files are kept with an answer: decided by name *and* content, capped in size."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from intake.records.attachments import MAX_ATTACHMENT_BYTES, judge_attachment, safe_filename
from tests.support.reports import committee, period


def _docx() -> bytes:
    from intake.records.report import render

    one = committee("Östermalms stadsdelsnämnd", "district")
    return render(period(one), "docx", one.committee)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CASES = {
    "handlingsplan.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "bild.PNG": PNG,
    "foto.jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 20,
    "siffror.csv": "Område;Antal\nNorrmalm;12\n".encode("cp1252"),
    "anteckning.txt": "Åtgärder ”i år”\n".encode(),
    "plan.odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}),
    "gammal.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_allowed_kinds_are_kept_with_our_content_type_and_digest(name):
    verdict = judge_attachment(name, CASES[name])
    assert verdict.kept, verdict
    assert verdict.sha256 == hashlib.sha256(CASES[name]).hexdigest()
    assert verdict.size == len(CASES[name])
    assert verdict.content_type and "/" in verdict.content_type


def test_a_real_word_file_is_kept_as_word():
    verdict = judge_attachment("rapport.docx", _docx())
    assert verdict.kept
    assert verdict.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("program.exe", b"MZ\x90\x00", "type"),
        ("skript.html", b"<script>alert(1)</script>", "type"),
        ("bild.svg", b"<svg onload=alert(1)>", "type"),
        ("utan-filtyp", b"hej", "type"),
        ("program.pdf", b"MZ\x90\x00 not a pdf", "content"),
        ("falsk.docx", _zip({"[Content_Types].xml": b"", "xl/workbook.xml": b""}), "content"),
        ("trasig.docx", b"PK\x03\x04 broken", "content"),
        ("binar.txt", b"abc\x00def", "content"),
        ("tom.pdf", b"", "empty"),
        ("stor.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "size"),
    ],
)
def test_other_types_mismatched_content_and_oversized_files_are_refused(name, data, reason):
    verdict = judge_attachment(name, data)
    assert not verdict.kept
    assert verdict.reason == reason


def test_a_senders_file_name_loses_folders_and_control_characters():
    assert safe_filename("..\\..\\windows\\evil.pdf") == "evil.pdf"
    assert safe_filename("/etc/passwd") == "passwd"
    assert safe_filename("rap\x00port\u202e.pdf") == "rapport.pdf"
    assert safe_filename(".htaccess") == "htaccess"
    assert safe_filename(None) == "bilaga"
