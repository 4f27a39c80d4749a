"""Word forms for tests: the bundled form built for one committee, and edits as Word makes them."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from intake.records.word_form import FormReference, build_word_form
from tests.support.reports import committee, period

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ANSWER = "Nämnden deltar i ”Växla upp Stockholm”."
QID = "vaxla-upp-stockholm"


def word_form() -> tuple[bytes, list[str]]:
    one = committee("Östermalms stadsdelsnämnd", "district", answers={QID: ANSWER})
    report = period(one)
    data = build_word_form(report, one, FormReference(7, report.period, one.committee))
    # The questions left open, in form order.
    ids = [q.id for q in report.form.questions_for("district") if q.id != "vaxla-upp-stockholm"]
    return data, ids


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def replace_document(data: bytes, root: etree._Element) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            dst.writestr(info, body)
    return out.getvalue()


def control(root: etree._Element, tag: str) -> etree._Element:
    for sdt in root.iter(f"{W}sdt"):
        found = sdt.find(f"{W}sdtPr/{W}tag")
        if found is not None and found.get(f"{W}val") == tag:
            return sdt
    raise AssertionError(f"no control tagged {tag}")


def paragraph(runs: list[str], style: str | None = None, num_id: str | None = None):
    p = etree.Element(f"{W}p")
    if style or num_id:
        ppr = etree.SubElement(p, f"{W}pPr")
        if style:
            etree.SubElement(ppr, f"{W}pStyle").set(f"{W}val", style)
        if num_id:
            numpr = etree.SubElement(ppr, f"{W}numPr")
            etree.SubElement(numpr, f"{W}ilvl").set(f"{W}val", "0")
            etree.SubElement(numpr, f"{W}numId").set(f"{W}val", num_id)
    for text in runs:
        r = etree.SubElement(p, f"{W}r")
        t = etree.SubElement(r, f"{W}t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return p


def fill(sdt: etree._Element, paragraphs: list[etree._Element]) -> None:
    """What Word does on typing into a placeholder: the flag goes, the content is replaced."""
    flag = sdt.find(f"{W}sdtPr/{W}showingPlcHdr")
    if flag is not None:
        flag.getparent().remove(flag)
    content = sdt.find(f"{W}sdtContent")
    for child in list(content):
        content.remove(child)
    for p in paragraphs:
        content.append(p)
