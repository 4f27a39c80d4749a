"""The committee's form as a Word document: the report's layout, a content control per question.

Each answer sits in a block-level rich-text content control (`w:sdt`) whose `w:tag` is the
question id, so a form filled in Word or LibreOffice can be read back (word_form_reading.py).
A locked control at the end carries the form's reference: which assignment it belongs to.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from intake.messaging.texts import render
from intake.records.report.docx_render import (
    TEMPLATE,
    add_answer,
    build_committee,
    fixed_zip,
    para,
    set_core_properties,
    style_id,
)
from intake.records.report.model import CommitteeReport, PeriodReport, local_time
from intake.records.report.views import QuestionView, committee_view, form_view
from intake.records.report.writing import file_name

REFERENCE_TAG = "intake-reference"
_REFERENCE_PREFIX = "intake-form/v1"


@dataclass(frozen=True)
class FormReference:
    """Which assignment a Word form belongs to, written into it and read back from it."""

    assignment_id: int
    period: str
    committee: str

    def encode(self) -> str:
        return f"{_REFERENCE_PREFIX};assignment={self.assignment_id};period={self.period}"

    @staticmethod
    def decode(text: str) -> tuple[int, str] | None:
        """(assignment id, period) from a reference's text, or None when it is not ours."""
        parts = text.strip().split(";")
        if len(parts) != 3 or parts[0] != _REFERENCE_PREFIX:
            return None
        fields = dict(part.split("=", 1) for part in parts[1:] if "=" in part)
        number = fields.get("assignment", "")
        if not number.isdigit() or "period" not in fields:
            return None
        return int(number), fields["period"]


def placeholder_text(language: str = "sv") -> str:
    return render("word/placeholder.txt.j2", language, {}).strip()


def build_word_form(
    report: PeriodReport, committee: CommitteeReport, reference: FormReference
) -> bytes:
    """The committee's form, its current answers in place, ready to fill in and mail back."""
    doc = Document(str(TEMPLATE))
    doc._body.clear_content()
    view = committee_view(report.form, committee)
    form = form_view(report.form, report.year)
    ids = itertools.count(1)
    placeholder = placeholder_text()

    def write_control(document: DocxDocument, question: QuestionView) -> None:
        body = document.element.body
        first = len(body) - 1  # new paragraphs go before the closing sectPr
        answered = question.answer.state == "answered"
        if answered:
            add_answer(document, question.answer)
        else:
            run = para(document, None, "Svarstext").add_run(placeholder)
            run._r.style = style_id(document, "Markering")  # shown as a hint, not as text
        written = list(body)[first:-1]
        sdt, content = _block_control(question.id, question.text, next(ids), not answered)
        body.insert(first, sdt)
        for element in written:
            content.append(element)

    build_committee(doc, form, view, provenance=False, answer_writer=write_control)
    _add_reference(doc, reference, next(ids))
    title = f"{form.title} – {committee.committee} – {report.period}"
    set_core_properties(doc, title, report.generated_at)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), local_time(report.generated_at).timetuple()[:6])


def control_aliases(report: PeriodReport, kind: str) -> dict[str, str]:
    """Each question control's title → question id, for editors that drop the tag."""
    titles: dict[str, list[str]] = {}
    for question in report.form.questions_for(kind):
        titles.setdefault(_alias(question.text), []).append(question.id)
    return {title: ids[0] for title, ids in titles.items() if len(set(ids)) == 1}


def _alias(text: str) -> str:
    return text[:255]


def _block_control(tag: str, alias: str, number: int, placeholder: bool):
    """An empty block-level rich-text control; its content is filled by the caller."""
    sdt = OxmlElement("w:sdt")
    props = OxmlElement("w:sdtPr")
    for name, value in (("w:alias", _alias(alias)), ("w:tag", tag), ("w:id", str(number))):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        props.append(element)
    if placeholder:
        props.append(OxmlElement("w:showingPlcHdr"))
    sdt.append(props)
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    return sdt, content


def _add_reference(doc: DocxDocument, reference: FormReference, number: int) -> None:
    """A small locked line at the end: what the form is, so a reply can be matched to it."""
    note = para(doc, render("word/reference.txt.j2", "sv", {}).strip(), "Normal")
    sdt, content = _block_control(REFERENCE_TAG, "Referens", number, placeholder=False)
    lock = OxmlElement("w:lock")
    lock.set(qn("w:val"), "sdtContentLocked")
    sdt.find(qn("w:sdtPr")).append(lock)
    line = Paragraph(OxmlElement("w:p"), doc._body)
    line._p.style = style_id(doc, "Normal")
    line.add_run(reference.encode())
    content.append(line._p)
    note._p.addnext(sdt)


def word_form_filename(report: PeriodReport, committee: str) -> str:
    """Named like the committee's report, with "-formular" before the extension."""
    return file_name(report, "docx", committee).removesuffix(".docx") + "-formular.docx"
