"""Reading a returned Word form: the text of each question's content control, and its reference.

Only the document's XML is read, with a parser that resolves no entities and fetches nothing,
and only up to a size cap: a returned form is a stranger's file until it has been matched.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from intake.records.word_form import REFERENCE_TAG, FormReference, placeholder_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 20 * 1024 * 1024  # a filled form is a few hundred kB; more is not a form
_BULLET_FORMATS = {"bullet", "none"}


class WordFormError(ValueError):
    """A file that is not a readable Word form; the message says what is wrong."""


@dataclass(frozen=True)
class WordFormReading:
    """What a returned form holds: its reference and each question control's text."""

    reference: tuple[int, str] | None
    answers: dict[str, str | None] = field(default_factory=dict)  # None: left as placeholder


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )


def _read_part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML_BYTES:
        raise WordFormError(f"{name} is larger than a form can be")
    with archive.open(info) as handle:
        data = handle.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise WordFormError(f"{name} is larger than a form can be")
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise WordFormError(f"{name} is not well-formed XML: {exc}") from None


def read_word_form(data: bytes, aliases: dict[str, str] | None = None) -> WordFormReading:
    """Every question control of a .docx; WordFormError when it is no Word document at all.

    A control is known by its tag, or by its title (`aliases`: title → question id) where an
    editor dropped the tag: LibreOffice 7.4 keeps only the title on saving as .docx.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WordFormError("the file is not a Word document (.docx)") from None
    with archive:
        document = _read_part(archive, "word/document.xml")
        if document is None:
            raise WordFormError("the file is not a Word document (.docx)")
        formats = _list_formats(_read_part(archive, "word/numbering.xml"))
    reference = None
    answers: dict[str, str | None] = {}
    placeholders = {placeholder_text("sv"), placeholder_text("en")}
    for sdt in document.iter(f"{W}sdt"):
        if _inside_known(sdt, aliases or {}):
            continue
        content = sdt.find(f"{W}sdtContent")
        text = _control_text(content, formats) if content is not None else ""
        name = _control_name(sdt, aliases or {})
        if name == REFERENCE_TAG or (reference is None and FormReference.decode(text)):
            reference = FormReference.decode(text)
            continue
        if name is None:
            continue
        showing = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
        left = showing or not text.strip() or " ".join(text.split()) in placeholders
        answers[name] = None if left else text
    return WordFormReading(reference, answers)


def _control_name(sdt: etree._Element, aliases: dict[str, str]) -> str | None:
    tag = sdt.find(f"{W}sdtPr/{W}tag")
    if tag is not None and tag.get(f"{W}val"):
        return tag.get(f"{W}val")
    alias = sdt.find(f"{W}sdtPr/{W}alias")
    return aliases.get(alias.get(f"{W}val", "")) if alias is not None else None


def _inside_known(sdt: etree._Element, aliases: dict[str, str]) -> bool:
    """A control nested in a question's control belongs to the outer answer."""
    parent = sdt.getparent()
    while parent is not None:
        if parent.tag == f"{W}sdt" and _control_name(parent, aliases) is not None:
            return True
        parent = parent.getparent()
    return False


def _list_formats(numbering: etree._Element | None) -> dict[tuple[str, str], str]:
    """(numId, level) → number format, so a list item reads back as "- " or "1. "."""
    if numbering is None:
        return {}
    abstract: dict[str, dict[str, str]] = {}
    for node in numbering.iter(f"{W}abstractNum"):
        levels = {
            lvl.get(f"{W}ilvl", "0"): (lvl.find(f"{W}numFmt").get(f"{W}val", "bullet")
                                       if lvl.find(f"{W}numFmt") is not None else "bullet")
            for lvl in node.iter(f"{W}lvl")
        }
        abstract[node.get(f"{W}abstractNumId", "")] = levels
    formats: dict[tuple[str, str], str] = {}
    for num in numbering.iter(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        levels = abstract.get(ref.get(f"{W}val", "") if ref is not None else "", {})
        for level, fmt in levels.items():
            formats[(num.get(f"{W}numId", ""), level)] = fmt
    return formats


def _control_text(content: etree._Element, formats: dict[tuple[str, str], str]) -> str:
    """The control's paragraphs: a blank line between paragraphs, list items line by line."""
    pieces: list[tuple[str, str]] = []  # (kind, text): kind "p" or "li"
    counters: dict[tuple[str, str], int] = {}
    # A control inside a paragraph (run-level) holds runs, not paragraphs.
    paragraphs = list(content.iter(f"{W}p")) or [content]
    for paragraph in paragraphs:
        text = _paragraph_text(paragraph).strip()
        if not text:
            continue
        item = _list_item(paragraph, formats, counters)
        pieces.append(("li", item + text) if item is not None else ("p", text))
    out: list[str] = []
    for index, (kind, text) in enumerate(pieces):
        if index:
            out.append("\n" if kind == "li" and pieces[index - 1][0] == "li" else "\n\n")
        out.append(text)
    return "".join(out)


def _list_item(
    paragraph: etree._Element,
    formats: dict[tuple[str, str], str],
    counters: dict[tuple[str, str], int],
) -> str | None:
    props = paragraph.find(f"{W}pPr")
    if props is None:
        return None
    num = props.find(f"{W}numPr")
    style = props.find(f"{W}pStyle")
    style_name = style.get(f"{W}val", "") if style is not None else ""
    if num is None:
        return "- " if style_name.replace(" ", "").lower().startswith("listbullet") else None
    num_id = num.find(f"{W}numId")
    level = num.find(f"{W}ilvl")
    key = (num_id.get(f"{W}val", "") if num_id is not None else "",
           level.get(f"{W}val", "0") if level is not None else "0")
    if key[0] == "0":  # numId 0 switches numbering off
        return None
    if formats.get(key, "bullet") in _BULLET_FORMATS:
        return "- "
    counters[key] = counters.get(key, 0) + 1
    return f"{counters[key]}. "


def _paragraph_text(paragraph: etree._Element) -> str:
    """Typed text in order: runs split anywhere by Word join up; deleted text stays out."""
    parts: list[str] = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


@dataclass(frozen=True)
class FormChanges:
    """What a returned form changes: answers to place, and the questions it leaves as they are."""

    placed: dict[str, str]
    left: tuple[str, ...]


def form_changes(
    reading: WordFormReading, current: dict[str, str | None], question_ids: list[str]
) -> FormChanges:
    """Controls whose text is new become answers; placeholders and unchanged text are left.

    Compared with spacing ignored, so Word's rewrapping or a trailing space is no change.
    """
    placed: dict[str, str] = {}
    left: list[str] = []
    for question_id in question_ids:
        text = reading.answers.get(question_id)
        before = current.get(question_id) or ""
        if text is None or " ".join(text.split()) == " ".join(before.split()):
            left.append(question_id)
        else:
            placed[question_id] = text
    return FormChanges(placed, tuple(left))
