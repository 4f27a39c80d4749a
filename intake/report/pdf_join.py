"""Join the consolidated PDF's parts with pypdf: links, page numbers, language and metadata.

The page numbers ("12 (2398)") are stamped here rather than laid out by WeasyPrint, so the parts
can be laid out independently (in parallel) and the footer can still show the total. They are
drawn in Helvetica, which every PDF reader has built in and whose digits, space and parentheses
are as wide as Liberation Sans's (the font of the footer's left half), at the position and colour
WeasyPrint gives `@bottom-right` in report.css, and marked as an artifact (not content).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from intake.report.model import PeriodReport, local_time
from intake.report.pdf import LANGUAGE
from intake.report.render import AUTHOR

PX_TO_PT = 0.75  # WeasyPrint positions are CSS pixels; PDF user space is points
FOOTER_RIGHT = 538.582677  # A4 width 595.276 pt less the 20 mm right margin of report.css
FOOTER_BASELINE = 31.2427  # where WeasyPrint sets the footer line (measured, in pt from below)
FOOTER_SIZE = 8
FOOTER_GREY = "0.333333"  # #555 in report.css
# Helvetica widths per 1000 units of font size (Adobe's AFM), the only characters stamped.
WIDTHS = {**dict.fromkeys("0123456789", 556), " ": 278, "(": 333, ")": 333}
FONT_NAME = "/IntakePageNumber"


def join(parts: list[Any], pages: dict[str, int], report: PeriodReport, title: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.data)), import_outline=True)
    # The contents entries point into other parts: link them to the page they name.
    for index, target, (x0, y0, x1, y1) in outer_links(parts[0].links):
        height = float(writer.pages[index].mediabox.height)
        rect = (x0 * PX_TO_PT, height - y1 * PX_TO_PT, x1 * PX_TO_PT, height - y0 * PX_TO_PT)
        writer.add_annotation(index, Link(rect=rect, target_page_index=pages[target] - 1))
    stamp_page_numbers(writer, first=2)  # the cover has no footer
    writer.root_object[NameObject("/Lang")] = TextStringObject(LANGUAGE)
    writer.create_viewer_preferences().display_doctitle = True
    writer.add_metadata(metadata(report, title))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
    # WeasyPrint leaves its page transformation in force: save the state before, restore after.
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


def outer_links(
    links: list[tuple[int, str, tuple[float, float, float, float]]],
) -> list[tuple[int, str, tuple[float, float, float, float]]]:
    """WeasyPrint reports a link once per box (the entry, its leader, its number): keep the
    outermost, one per line."""
    kept: list[tuple[int, str, tuple[float, float, float, float]]] = []
    for index, target, rect in links:
        inside = any(
            i == index
            and t == target
            and r[0] <= rect[0]
            and r[1] <= rect[1]
            and rect[2] <= r[2]
            and rect[3] <= r[3]
            for i, t, r in kept
        )
        if not inside:
            kept.append((index, target, rect))
    return kept


def metadata(report: PeriodReport, title: str) -> dict[str, str]:
    """Pinned, so equal data gives equal bytes (pypdf would otherwise name itself producer)."""
    moment = _pdf_date(report.generated_at)
    return {
        "/Title": title,
        "/Author": AUTHOR,
        "/Producer": "intake (WeasyPrint, pypdf)",
        "/CreationDate": moment,
        "/ModDate": moment,
    }


def _pdf_date(moment: datetime) -> str:
    local = local_time(moment)
    offset = local.strftime("%z")
    return local.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"
