"""Build intake/templates/report/report-template.docx, the Word template of every DOCX report.

The office may restyle the .docx in Word (fonts, colours, spacing, footer) without code; the
renderer only uses the style names defined here and removes the sample body text.
Run: .venv/bin/python intake/templates/report/make_template.py
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from intake.records.report.docx_render import fixed_zip

OUT = Path(__file__).resolve().parent / "report-template.docx"
FONT = "Arial"
BLUE = RGBColor(0x00, 0x38, 0x5F)
# Fixed so the committed template is byte-identical whenever it is rebuilt.
FIXED = dt.datetime(2024, 1, 1, 0, 0, 0)


def set_font(style, size: float, bold: bool | None = None, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    # Theme font attributes would override the explicit name in Word, so drop them.
    rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:cs"), FONT)


def set_language(doc) -> None:
    """Swedish (sv-SE) for spelling and hyphenation, in the defaults every style inherits."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "sv-SE")
    settings = doc.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), "sv-SE")
    settings.find(qn("w:decimalSymbol")).set(qn("w:val"), ",")
    settings.find(qn("w:listSeparator")).set(qn("w:val"), ";")


def paragraph_style(doc, name: str, base: str = "Normal"):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def define_styles(doc) -> None:
    normal = doc.styles["Normal"]
    set_font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, before in (("Heading 1", 16, 18), ("Heading 2", 13, 14), ("Heading 3", 11, 10)):
        style = doc.styles[name]
        set_font(style, size, bold=True, color=BLUE)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    set_font(doc.styles["Title"], 20, bold=True, color=BLUE)
    set_font(doc.styles["Subtitle"], 14, color=BLUE)
    set_font(doc.styles["TOC Heading"], 16, bold=True, color=BLUE)
    for name in ("List Bullet", "Table Grid"):
        set_font(doc.styles[name], 10.5)

    label = paragraph_style(doc, "Bilaga")
    label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_font(label, 9.5)
    answer = paragraph_style(doc, "Svarstext")
    answer.paragraph_format.left_indent = Mm(3)
    field_label = paragraph_style(doc, "Fältetikett")
    field_label.style_id = "Faltetikett"  # ASCII id; the name Word shows stays Swedish
    set_font(field_label, 10.5, bold=True)
    field_label.paragraph_format.space_after = Pt(0)
    cell = paragraph_style(doc, "Tabelltext")
    set_font(cell, 9.5)
    cell.paragraph_format.space_after = Pt(0)
    for level in (1, 2):
        toc = paragraph_style(doc, f"toc {level}")
        toc.paragraph_format.left_indent = Mm(6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
        set_font(toc, 10.5, bold=level == 1)

    marker = doc.styles.add_style("Markering", WD_STYLE_TYPE.CHARACTER)
    marker.font.italic = True
    marker.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.left_margin, section.right_margin = Mm(22), Mm(20)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_field(footer, "PAGE", "1")
    footer.add_run(" (")
    add_field(footer, "NUMPAGES", "1")
    footer.add_run(")")


def add_field(paragraph, instruction: str, shown: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", shown),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def sample_body(doc) -> None:
    """Show each style once so the office sees what it restyles; the renderer removes this."""
    doc.add_paragraph("Bilaga 12.9", style="Bilaga")
    doc.add_paragraph("RAPPORTENS TITEL", style="Title")
    doc.add_paragraph("Undertitel", style="Subtitle")
    doc.add_paragraph("Innehåll", style="TOC Heading")
    doc.add_paragraph("Kapitel (toc 1)", style="toc 1")
    doc.add_paragraph("Fråga (toc 2)", style="toc 2")
    doc.add_paragraph("Rubrik 1: fokusområde", style="Heading 1")
    doc.add_paragraph("Rubrik 2: fråga eller avsnitt", style="Heading 2")
    doc.add_paragraph("Rubrik 3: fråga eller nämnd", style="Heading 3")
    doc.add_paragraph("Brödtext (Normal).")
    doc.add_paragraph("Svarstext: ett svar som kontaktpersonen skrivit.", style="Svarstext")
    doc.add_paragraph("Punkt i ett svar", style="List Bullet")
    doc.add_paragraph(style="Svarstext").add_run("Ej besvarad", style="Markering")
    table = doc.add_table(rows=1, cols=2, style="Table Grid")
    table.rows[0].cells[0].paragraphs[0].text = "Fältetikett"
    table.rows[0].cells[0].paragraphs[0].style = doc.styles["Fältetikett"]
    table.rows[0].cells[1].paragraphs[0].text = "Tabelltext"
    table.rows[0].cells[1].paragraphs[0].style = doc.styles["Tabelltext"]


def core_properties(doc) -> None:
    props = doc.core_properties
    props.author = props.last_modified_by = "intake"
    props.title = "Uppföljningsrapport"
    props.subject = props.keywords = props.comments = props.category = ""
    props.language = "sv-SE"
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1


def drop_thumbnail(doc) -> None:
    # The stock thumbnail shows python-docx's sample page, not ours.
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


def build() -> bytes:
    doc = Document()
    doc._body.clear_content()  # the stock template's body is empty but for its sectPr
    define_styles(doc)
    set_language(doc)
    page_setup(doc)
    sample_body(doc)
    core_properties(doc)
    drop_thumbnail(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), FIXED.timetuple()[:6])


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
