"""Join the consolidated PDF's parts with pypdf: links, page numbers, language and metadata.

The page numbers ("12 (2398)") are stamped here rather than laid out by Typst, so the parts
can be laid out independently (in parallel) and the footer can still show the total. They are
drawn in Helvetica, which every PDF reader has built in and whose digits, space and parentheses
are as wide as Liberation Sans's (the font of the footer's left half), at the position and colour
of a committee report's page number (templates/report/_report.typ), marked as an artifact.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from intake.report.model import PeriodReport, local_time
from intake.report.pdf_structure import join_structure
from intake.report.render import AUTHOR
from intake.report.typeset import LANGUAGE

FOOTER_RIGHT = 538.582677  # A4 width 595.276 pt less the 20 mm right margin of _report.typ
FOOTER_BASELINE = 42.118  # where Typst sets the footer line (measured, in pt from below)
FOOTER_SIZE = 8
FOOTER_GREY = "0.333333"  # #555 in _report.typ
# Helvetica widths per 1000 units of font size (Adobe's AFM), the only characters stamped.
WIDTHS = {**dict.fromkeys("0123456789", 556), " ": 278, "(": 333, ")": 333}
FONT_NAME = "/IntakePageNumber"


def join(front: Any, body: list[Any], entries: list[dict[str, Any]], report: PeriodReport,
         title: str) -> bytes:
    """The parts in order, the contents linked, bookmarks built, page numbers stamped."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    targets: dict[str, tuple[int, float, float]] = {}
    readers = []  # kept open: copying a part's structure tree maps onto its copied pages
    for part in [front, *body]:
        first = len(writer.pages)
        if part is not front:
            for anchor, (index, left, top) in part.anchors.items():
                targets.setdefault(anchor, (first + index, left, top))
        readers.append(PdfReader(io.BytesIO(part.data)))
        writer.append(readers[-1], import_outline=False)
    join_structure(writer, readers)
    link_contents(writer, range(front.page_count), targets)
    add_bookmarks(writer, entries, targets)
    stamp_page_numbers(writer, first=2)  # the cover has no footer
    writer.root_object[NameObject("/Lang")] = TextStringObject(LANGUAGE)
    writer.create_viewer_preferences().display_doctitle = True
    writer.add_metadata(metadata(report, title))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _destination(writer: Any, target: tuple[int, float, float]) -> Any:
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject

    index, left, top = target
    return ArrayObject([writer.pages[index].indirect_reference, NameObject("/XYZ"),
                        FloatObject(left), FloatObject(top), NumberObject(0)])


def link_contents(writer: Any, pages: range, targets: dict[str, tuple[int, float, float]]) -> None:
    """The contents entries link to "#anchor" (the target is in another part): make each a
    link to the page the anchor landed on."""
    from pypdf.generic import NameObject

    for index in pages:
        for annotation in writer.pages[index].get("/Annots", []):
            annotation = annotation.get_object()
            uri = str(annotation.get("/A", {}).get("/URI", ""))
            if uri.startswith("#"):
                del annotation["/A"]
                annotation[NameObject("/Dest")] = _destination(writer, targets[uri[1:]])


def add_bookmarks(writer: Any, entries: list[dict[str, Any]],
                  targets: dict[str, tuple[int, float, float]]) -> None:
    """The viewer's bookmarks follow the contents: focus areas with their questions below."""
    from pypdf.generic import Fit

    parent = None
    for entry in entries:
        index, left, top = targets[entry["id"]]
        fit = Fit.xyz(left=left, top=top, zoom=0)
        under = parent if entry["level"] == 2 else None
        item = writer.add_outline_item(title=entry["text"], page_number=index, parent=under,
                                       fit=fit)
        if entry["level"] == 1:
            parent = item


def stamp_page_numbers(writer: Any, first: int) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    # A part's page may leave a transformation in force: save the state before, restore after.
    save = writer._add_object(_stream(b"q"))
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        if number < first:
            continue
        resources = page[NameObject("/Resources")].get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject(FONT_NAME)] = font
        stamp = writer._add_object(_stream(b"Q\n" + footer_operators(f"{number} ({total})")))
        contents = page[NameObject("/Contents")]
        old = list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *old, stamp])


def _stream(data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def footer_operators(text: str) -> bytes:
    width = sum(WIDTHS[c] for c in text) * FOOTER_SIZE / 1000
    escaped = text.replace("(", r"\(").replace(")", r"\)")
    return (
        f"/Artifact BMC q {FOOTER_GREY} {FOOTER_GREY} {FOOTER_GREY} rg BT "
        f"{FONT_NAME} {FOOTER_SIZE} Tf {FOOTER_RIGHT - width:.3f} {FOOTER_BASELINE:.3f} Td "
        f"({escaped}) Tj ET Q EMC"
    ).encode("ascii")


def metadata(report: PeriodReport, title: str) -> dict[str, str]:
    """Pinned, so equal data gives equal bytes (pypdf would otherwise name itself producer)."""
    moment = _pdf_date(report.generated_at)
    return {
        "/Title": title,
        "/Author": AUTHOR,
        "/Producer": "intake (Typst, pypdf)",
        "/CreationDate": moment,
        "/ModDate": moment,
    }


def _pdf_date(moment: datetime) -> str:
    local = local_time(moment)
    offset = local.strftime("%z")
    return local.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"
