"""DOCX from the Word template templates/report/report-template.docx (see make_template.py).

Only style names from the template are used, never direct formatting, so the office restyles
the report by editing the template in Word. A contact's text goes into plain runs.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import weakref
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from intake.paths import TEMPLATES_DIR
from intake.records.report.changes_view import HEADING as CHANGES_HEADING
from intake.records.report.changes_view import INTRO_DOCX, ChangesView
from intake.records.report.figures import HEADING as FIGURES_HEADING
from intake.records.report.figures import FiguresView, QuestionFigures
from intake.records.report.model import CommitteeReport, PeriodReport, local_time
from intake.records.report.render import AUTHOR, context
from intake.records.report.views import (
    AnswerView,
    CommitteeView,
    PeriodView,
    ProvenanceRow,
    QuestionView,
)

TEMPLATE = TEMPLATES_DIR / "report" / "report-template.docx"


def render_docx(report: PeriodReport, committee: CommitteeReport | None, provenance: bool) -> bytes:
    ctx = context(report, committee, provenance)
    doc = Document(str(TEMPLATE))
    doc._body.clear_content()  # drop the template's style samples, keep its page setup
    if committee is None:
        view: PeriodView = ctx["p"]
        with parked_body(doc) as park:
            build_period(doc, view, provenance, park, revision_date(report.generated_at))
        title = f"{view.form.title} – Sammanställning {report.period}"
    else:
        build_committee(doc, ctx["form"], ctx["c"], provenance)
        title = f"{ctx['form'].title} – {committee.committee} – {report.period}"
    set_core_properties(doc, title, report.generated_at)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), local_time(report.generated_at).timetuple()[:6])


AnswerWriter = Callable[[DocxDocument, QuestionView], None]


def write_answer(doc: DocxDocument, question: QuestionView) -> None:
    add_answer(doc, question.answer)


def build_committee(
    doc: DocxDocument,
    form: Any,
    c: CommitteeView,
    provenance: bool,
    answer_writer: AnswerWriter = write_answer,
) -> None:
    """The committee's report in the form's layout; the Word form writes its answers as controls."""
    if form.attachment_label:
        para(doc, form.attachment_label, "Bilaga")
    para(doc, form.title, "Title")
    para(doc, form.intro)
    table = new_table(doc, 2)
    for label, value in c.contact_rows:
        add_row(doc, table, (label, value), header=False, label_first=True)
    para(doc, form.follow_up_heading, "Heading 1")
    para(doc, form.description_heading, "Heading 2")
    doc.add_paragraph(form.description)
    for section in c.sections:
        para(doc, section.heading, "Heading 2")
        for question in section.questions:
            para(doc, question.text, "Heading 3")
            answer_writer(doc, question)
    if c.closing:
        para(doc, c.closing.text, "Heading 2")
        answer_writer(doc, c.closing)
    if provenance:
        para(doc, "Bilaga: Svarens ursprung", "Heading 1").paragraph_format.page_break_before = True
        add_provenance_table(doc, c.provenance)


@contextmanager
def parked_body(doc: DocxDocument) -> Iterator[Callable[[], None]]:
    """Keep the live body short while building; put everything back in order at the end.

    python-docx looks for the closing sectPr by scanning the body on every insert, which
    makes a long report quadratic; parking finished blocks keeps each insert cheap.
    """
    body = doc.element.body
    parked: list[Any] = []

    def park() -> None:
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
                parked.append(child)

    yield park
    park()
    section = body.find(qn("w:sectPr"))
    for child in parked:
        section.addprevious(child)


def build_period(
    doc: DocxDocument, p: PeriodView, provenance: bool, park: Callable[[], None] = lambda: None,
    moment: str = "",
) -> None:
    if p.form.attachment_label:
        para(doc, p.form.attachment_label, "Bilaga")
    para(doc, p.form.title, "Title")
    para(doc, f"Sammanställning för {p.period}", "Subtitle")
    doc.add_paragraph(p.form.follow_up_heading)
    doc.add_paragraph(f"{len(p.overview)} nämnder och bolagsstyrelser. Sammanställd {p.generated}.")
    para(doc, "Innehåll", "TOC Heading").paragraph_format.page_break_before = True
    add_toc(doc, toc_entries(p, provenance))
    chapter(doc, "Översikt över inrapporteringen")
    table = new_table(doc, 5)
    add_row(
        doc,
        table,
        ("Nämnd eller bolagsstyrelse", "Typ", "Status", "Besvarade frågor", "Inskickad"),
        header=True,
    )
    for row in p.overview:
        add_row(doc, table, (row.committee, row.kind, row.status, row.answered, row.submitted))
    if p.figures:
        add_figures(doc, p.figures)
    for ch in p.chapters:
        chapter(doc, ch.heading)
        for question in ch.questions:
            para(doc, question.text, "Heading 2")
            for item in question.answers:
                para(doc, item.committee, "Heading 3")
                add_answer(doc, item.answer)
                park()
    if p.closing:
        chapter(doc, p.closing.text)
        for item in p.closing.answers:
            para(doc, item.committee, "Heading 3")
            add_answer(doc, item.answer)
            park()
    if p.changes:
        add_changes(doc, p.changes, moment)
        park()
    if provenance:
        chapter(doc, "Bilaga: Svarens ursprung")
        for name, rows in p.provenance:
            para(doc, name, "Heading 2")
            add_provenance_table(doc, rows)
            park()


def add_figures(doc: DocxDocument, f: FiguresView) -> None:
    """"Resultat i siffror": who has not submitted, the matrix, each typed question's figures."""
    chapter(doc, FIGURES_HEADING)
    doc.add_paragraph(f"{f.submitted}.")
    if f.missing:
        para(doc, "Har inte lämnat in", "Heading 2")
        for name in f.missing:
            para(doc, name, "List Bullet")
    if f.matrix:
        para(doc, "Bedömning per fokusområde", "Heading 2")
        table = new_table(doc, 1 + len(f.matrix.columns))
        add_row(doc, table, ("Nämnd eller bolagsstyrelse", *f.matrix.columns), header=True)
        for name, cells in f.matrix.rows:
            add_row(doc, table, (name, *cells), label_first=True)
    for section in f.sections:
        para(doc, section.heading, "Heading 2")
        for question in section.questions:
            add_question_figures(doc, question)


def add_changes(doc: DocxDocument, c: ChangesView, moment: str) -> None:
    """Each changed answer as Word's own tracked changes, which Word reads out as such."""
    chapter(doc, CHANGES_HEADING)
    doc.add_paragraph(INTRO_DOCX)
    ids = itertools.count(1)  # revision ids: unique in the document, the same on every run
    section = None
    for question in c.questions:
        if question.section != section:
            section = question.section
            para(doc, section, "Heading 2")
        para(doc, question.text, "Heading 3")
        for entry in question.entries:
            para(doc, f"{entry.committee} · {entry.label}", "Fältetikett")
            paragraph = para(doc, None, "Svarstext")
            for index, piece in enumerate(entry.pieces):
                text = piece.text + (" " if index < len(entry.pieces) - 1 else "")
                tracked_run(paragraph, piece.kind, text, next(ids), moment)
        if question.unchanged:
            para(doc, question.unchanged, "Svarstext")


def tracked_run(paragraph: Paragraph, kind: str, text: str, number: int, moment: str) -> None:
    """A plain run, or one inside <w:ins>/<w:del> (deleted text is w:delText, as Word wants)."""
    if kind == "same":
        paragraph.add_run(text)
        return
    run = OxmlElement("w:r")
    body = OxmlElement("w:delText" if kind == "del" else "w:t")
    body.set(qn("xml:space"), "preserve")
    body.text = text
    run.append(body)
    mark = OxmlElement("w:del" if kind == "del" else "w:ins")
    mark.set(qn("w:id"), str(number))
    mark.set(qn("w:author"), AUTHOR)
    mark.set(qn("w:date"), moment)
    mark.append(run)
    paragraph._p.append(mark)


def revision_date(generated_at: dt.datetime) -> str:
    return local_time(generated_at).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_question_figures(doc: DocxDocument, q: QuestionFigures) -> None:
    para(doc, q.text, "Heading 3")
    doc.add_paragraph(q.answered)
    for line in q.lines:
        para(doc, line, "List Bullet")
    if q.rows:
        table = new_table(doc, 2)
        add_row(doc, table, ("Svar", "Nämnder och bolagsstyrelser"), header=True)
        for row in q.rows:
            add_row(doc, table, (row.label, row.committees), label_first=True)
    if q.numbers:
        table = new_table(doc, len(q.numbers))
        add_row(doc, table, tuple(label for label, _ in q.numbers), header=True)
        add_row(doc, table, tuple(value for _, value in q.numbers))


_STYLE_IDS: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def style_id(doc: DocxDocument, name: str) -> str:
    """The template's style id for a style name, looked up once per document.

    python-docx resolves a style name by scanning every style on each use, which dominated
    the time of a large report.
    """
    ids = _STYLE_IDS.setdefault(doc.part, {})
    if name not in ids:
        ids[name] = doc.styles[name].style_id
    return ids[name]


def para(doc: DocxDocument, text: str | None = None, style: str = "Normal") -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph._p.style = style_id(doc, style)
    if text:
        paragraph.add_run(text)
    return paragraph


def chapter(doc: DocxDocument, heading: str) -> None:
    para(doc, heading, "Heading 1").paragraph_format.page_break_before = True


def toc_entries(p: PeriodView, provenance: bool) -> list[tuple[int, str]]:
    entries = [(1, "Översikt över inrapporteringen")]
    if p.figures:
        entries.append((1, FIGURES_HEADING))
    for ch in p.chapters:
        entries.append((1, ch.heading))
        entries.extend((2, q.text) for q in ch.questions)
    if p.closing:
        entries.append((1, p.closing.text))
    if p.changes:
        entries.append((1, CHANGES_HEADING))
    if provenance:
        entries.append((1, "Bilaga: Svarens ursprung"))
    return entries


def add_answer(doc: DocxDocument, answer: AnswerView) -> None:
    if answer.marker:
        para(doc, None, "Svarstext").add_run(answer.marker)._r.style = style_id(doc, "Markering")
        return
    for block in answer.blocks:
        if block.kind == "paragraph":
            paragraph = para(doc, None, "Svarstext")
            for index, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if index < len(block.lines) - 1:
                    run.add_break()
        elif block.kind == "bullets":
            for item in block.lines:
                para(doc, item, "List Bullet")
        else:  # numbered: the contact's own numbers, kept as text so they read as written
            for number, item in zip(block.numbers, block.lines, strict=True):
                para(doc, f"{number} {item}", "Svarstext")


def new_table(doc: DocxDocument, columns: int) -> Table:
    return doc.add_table(rows=0, cols=columns, style="Table Grid")


def add_row(
    doc: DocxDocument,
    table: Table,
    cells: Sequence[str],
    header: bool = False,
    label_first: bool = False,
) -> None:
    row = table.add_row()
    if header:  # repeat the header row on every page the table spans
        flag = OxmlElement("w:tblHeader")
        row._tr.get_or_add_trPr().append(flag)
    for index, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        bold = header or (label_first and index == 0)
        paragraph = cell.paragraphs[0]
        paragraph._p.style = style_id(doc, "Fältetikett" if bold else "Tabelltext")
        paragraph.add_run(text)


def add_provenance_table(doc: DocxDocument, rows: Sequence[ProvenanceRow]) -> None:
    table = new_table(doc, 5)
    add_row(doc, table, ("Fråga", "Besvarad", "Av", "Kanal", "Revisioner"), header=True)
    for r in rows:
        add_row(doc, table, (r.question, r.answered_at, r.answered_by, r.channel, r.revisions))


def add_toc(doc: DocxDocument, entries: list[tuple[int, str]]) -> None:
    """A real TOC field; its cached result lists the headings until Word updates page numbers."""
    paragraphs = [para(doc, text, f"toc {level}") for level, text in entries]
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
