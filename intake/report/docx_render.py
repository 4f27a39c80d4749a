"""DOCX from the Word template templates/report/report-template.docx (see make_template.py).

Only style names from the template are used, never direct formatting, so the office restyles
the report by editing the template in Word. A contact's text goes into plain runs.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from intake.paths import TEMPLATES_DIR
from intake.report.model import CommitteeReport, PeriodReport, local_time
from intake.report.render import AUTHOR, context
from intake.report.views import AnswerView, CommitteeView, PeriodView, ProvenanceRow

TEMPLATE = TEMPLATES_DIR / "report" / "report-template.docx"


def render_docx(report: PeriodReport, committee: CommitteeReport | None, provenance: bool) -> bytes:
    ctx = context(report, committee, provenance)
    doc = Document(str(TEMPLATE))
    doc._body.clear_content()  # drop the template's style samples, keep its page setup
    if committee is None:
        view: PeriodView = ctx["p"]
        build_period(doc, view, provenance)
        title = f"{view.form.title} – Sammanställning {report.period}"
    else:
        build_committee(doc, ctx["form"], ctx["c"], provenance)
        title = f"{ctx['form'].title} – {committee.committee} – {report.period}"
    set_core_properties(doc, title, report.generated_at)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), local_time(report.generated_at).timetuple()[:6])


def build_committee(doc: DocxDocument, form: Any, c: CommitteeView, provenance: bool) -> None:
    if form.attachment_label:
        doc.add_paragraph(form.attachment_label, style="Bilaga")
    doc.add_paragraph(form.title, style="Title")
    doc.add_paragraph(form.intro)
    table = new_table(doc, 2)
    for label, value in c.contact_rows:
        add_row(table, (label, value), header=False, label_first=True)
    doc.add_paragraph(form.follow_up_heading, style="Heading 1")
    doc.add_paragraph(form.description_heading, style="Heading 2")
    doc.add_paragraph(form.description)
    for section in c.sections:
        doc.add_paragraph(section.heading, style="Heading 2")
        for question in section.questions:
            doc.add_paragraph(question.text, style="Heading 3")
            add_answer(doc, question.answer)
    if c.closing:
        doc.add_paragraph(c.closing.text, style="Heading 2")
        add_answer(doc, c.closing.answer)
    if provenance:
        doc.add_paragraph(
            "Bilaga: Svarens ursprung", style="Heading 1"
        ).paragraph_format.page_break_before = True
        add_provenance_table(doc, c.provenance)


def build_period(doc: DocxDocument, p: PeriodView, provenance: bool) -> None:
    if p.form.attachment_label:
        doc.add_paragraph(p.form.attachment_label, style="Bilaga")
    doc.add_paragraph(p.form.title, style="Title")
    doc.add_paragraph(f"Sammanställning för {p.period}", style="Subtitle")
    doc.add_paragraph(p.form.follow_up_heading)
    doc.add_paragraph(f"{len(p.overview)} nämnder och bolagsstyrelser. Sammanställd {p.generated}.")
    doc.add_paragraph("Innehåll", style="TOC Heading").paragraph_format.page_break_before = True
    add_toc(doc, toc_entries(p, provenance))
    chapter(doc, "Översikt över inrapporteringen")
    table = new_table(doc, 5)
    add_row(
        table,
        ("Nämnd eller bolagsstyrelse", "Typ", "Status", "Besvarade frågor", "Inskickad"),
        header=True,
    )
    for row in p.overview:
        add_row(table, (row.committee, row.kind, row.status, row.answered, row.submitted))
    for ch in p.chapters:
        chapter(doc, ch.heading)
        for question in ch.questions:
            doc.add_paragraph(question.text, style="Heading 2")
            for item in question.answers:
                doc.add_paragraph(item.committee, style="Heading 3")
                add_answer(doc, item.answer)
    if p.closing:
        chapter(doc, p.closing.text)
        for item in p.closing.answers:
            doc.add_paragraph(item.committee, style="Heading 3")
            add_answer(doc, item.answer)
    if provenance:
        chapter(doc, "Bilaga: Svarens ursprung")
        for name, rows in p.provenance:
            doc.add_paragraph(name, style="Heading 2")
            add_provenance_table(doc, rows)


def chapter(doc: DocxDocument, heading: str) -> None:
    doc.add_paragraph(heading, style="Heading 1").paragraph_format.page_break_before = True


def toc_entries(p: PeriodView, provenance: bool) -> list[tuple[int, str]]:
    entries = [(1, "Översikt över inrapporteringen")]
    for ch in p.chapters:
        entries.append((1, ch.heading))
        entries.extend((2, q.text) for q in ch.questions)
    if p.closing:
        entries.append((1, p.closing.text))
    if provenance:
        entries.append((1, "Bilaga: Svarens ursprung"))
    return entries


def add_answer(doc: DocxDocument, answer: AnswerView) -> None:
    if answer.marker:
        doc.add_paragraph(style="Svarstext").add_run(answer.marker, style="Markering")
        return
    for block in answer.blocks:
        if block.kind == "paragraph":
            paragraph = doc.add_paragraph(style="Svarstext")
            for index, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if index < len(block.lines) - 1:
                    run.add_break()
        elif block.kind == "bullets":
            for item in block.lines:
                doc.add_paragraph(style="List Bullet").add_run(item)
        else:  # numbered: the contact's own numbers, kept as text so they read as written
            for number, item in zip(block.numbers, block.lines, strict=True):
                doc.add_paragraph(style="Svarstext").add_run(f"{number} {item}")


def new_table(doc: DocxDocument, columns: int):
    return doc.add_table(rows=0, cols=columns, style="Table Grid")


def add_row(table, cells: Sequence[str], header: bool = False, label_first: bool = False) -> None:
    row = table.add_row()
    if header:  # repeat the header row on every page the table spans
        flag = OxmlElement("w:tblHeader")
        row._tr.get_or_add_trPr().append(flag)
    for index, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        bold = header or (label_first and index == 0)
        paragraph = cell.paragraphs[0]
        paragraph.style = "Fältetikett" if bold else "Tabelltext"
        paragraph.add_run(text)


def add_provenance_table(doc: DocxDocument, rows: Sequence[ProvenanceRow]) -> None:
    table = new_table(doc, 5)
    add_row(table, ("Fråga", "Besvarad", "Av", "Kanal", "Revisioner"), header=True)
    for r in rows:
        add_row(table, (r.question, r.answered_at, r.answered_by, r.channel, r.revisions))


def add_toc(doc: DocxDocument, entries: list[tuple[int, str]]) -> None:
    """A real TOC field; its cached result lists the headings until Word updates page numbers."""
    paragraphs = [doc.add_paragraph(text, style=f"toc {level}") for level, text in entries]
    first, last = paragraphs[0], paragraphs[-1]
    begin = [_fld_char("begin"), _instr(' TOC \\o "1-2" \\h \\z \\u '), _fld_char("separate")]
    for element in reversed(begin):
        first._p.insert(1 if first._p.pPr is not None else 0, element)
    last._p.append(_fld_char("end"))
    # Ask Word to refresh fields on opening, so the page numbers appear without a click.
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    anchor = next(
        (
            settings.find(qn(t))
            for t in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat")
            if settings.find(qn(t)) is not None
        ),
        None,
    )
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)


def _fld_char(kind: str):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _instr(text: str):
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = text
    run.append(instr)
    return run


def set_core_properties(doc: DocxDocument, title: str, generated_at: dt.datetime) -> None:
    # python-docx writes these as UTC ("Z"), so hand it naive UTC.
    moment = local_time(generated_at).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = AUTHOR
    props.language = "sv-SE"
    props.created = props.modified = props.last_printed = moment
    props.revision = 1


def fixed_zip(data: bytes, when: tuple[int, ...]) -> bytes:
    """Rewrite the .docx zip with fixed entry dates so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
