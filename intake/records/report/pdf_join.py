"""Join the consolidated PDF's parts with pikepdf (qpdf): links, page numbers, bookmarks, tags.

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

from intake.records.report.model import PeriodReport, local_time
from intake.records.report.pdf_structure import StructureJoiner
from intake.records.report.render import AUTHOR
from intake.records.report.typeset import LANGUAGE

FOOTER_RIGHT = 538.582677  # A4 width 595.276 pt less the 20 mm right margin of _report.typ
FOOTER_BASELINE = 42.118  # where Typst sets the footer line (measured, in pt from below)
FOOTER_SIZE = 8
FOOTER_GREY = "0.333333"  # #555 in _report.typ
# Helvetica widths per 1000 units of font size (Adobe's AFM), the only characters stamped.
WIDTHS = {**dict.fromkeys("0123456789", 556), " ": 278, "(": 333, ")": 333}
FONT_NAME = "/IntakePageNumber"

Target = tuple[int, float, float]  # page index in the joined file, left, top


def join(front: Any, body: list[Any], entries: list[dict[str, Any]], report: PeriodReport,
         title: str) -> bytes:
    """The parts in order, one structure tree, the contents linked, bookmarks built, page
    numbers stamped."""
    import pikepdf

    out = pikepdf.Pdf.new()
    structure = StructureJoiner(out)
    targets: dict[str, Target] = {}
    for part in [front, *body]:
        first = len(out.pages)
        if part is not front:
            for anchor, (index, left, top) in part.anchors.items():
                targets.setdefault(anchor, (first + index, left, top))
        source = pikepdf.Pdf.open(io.BytesIO(part.data))
        out.pages.extend(source.pages)
        structure.add(source, first)
    structure.finish()
    link_contents(out, range(front.page_count), targets)
    add_bookmarks(out, entries, targets)
    stamp_page_numbers(out, first=2)  # the cover has no footer
    out.Root.Lang = pikepdf.String(LANGUAGE)
    out.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    out.docinfo = out.make_indirect(pikepdf.Dictionary(metadata(report, title)))
    buffer = io.BytesIO()
    # A content-derived file identifier: equal input gives equal bytes.
    out.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def _destination(out: Any, target: Target) -> Any:
    import pikepdf

    index, left, top = target
    return pikepdf.Array([out.pages[index].obj, pikepdf.Name.XYZ, left, top, 0])


def link_contents(out: Any, pages: range, targets: dict[str, Target]) -> None:
    """The contents entries link to "#anchor" (the target is in another part): make each a
    link to the page the anchor landed on."""
    for index in pages:
        for annotation in out.pages[index].obj.get("/Annots", []):
            uri = str(annotation.get("/A", {}).get("/URI", ""))
            if uri.startswith("#"):
                del annotation.A
                annotation.Dest = _destination(out, targets[uri[1:]])


def add_bookmarks(out: Any, entries: list[dict[str, Any]], targets: dict[str, Target]) -> None:
    """The viewer's bookmarks follow the contents: focus areas with their questions below."""
    from pikepdf import OutlineItem

    with out.open_outline() as outline:
        parent = None
        for entry in entries:
            index, left, top = targets[entry["id"]]
            item = OutlineItem(entry["text"], index, "XYZ", left=left, top=top, zoom=0)
            if entry["level"] == 2 and parent is not None:
                parent.children.append(item)
            else:
                outline.root.append(item)
                parent = item


def stamp_page_numbers(out: Any, first: int) -> None:
    import pikepdf

    font = out.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    # A part's page may leave a transformation in force: save the state before, restore after.
    save = out.make_stream(b"q")
    total = len(out.pages)
    for number, page in enumerate(out.pages, start=1):
        if number < first:
            continue
        resources = page.obj.Resources
        if "/Font" not in resources:
            resources.Font = pikepdf.Dictionary()
        resources.Font[FONT_NAME] = font
        stamp = out.make_stream(b"Q\n" + footer_operators(f"{number} ({total})"))
        contents = page.obj.Contents
        old = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        page.obj.Contents = pikepdf.Array([save, *old, stamp])


def footer_operators(text: str) -> bytes:
    width = sum(WIDTHS[c] for c in text) * FOOTER_SIZE / 1000
    escaped = text.replace("(", r"\(").replace(")", r"\)")
    return (
        f"/Artifact BMC q {FOOTER_GREY} {FOOTER_GREY} {FOOTER_GREY} rg BT "
        f"{FONT_NAME} {FOOTER_SIZE} Tf {FOOTER_RIGHT - width:.3f} {FOOTER_BASELINE:.3f} Td "
        f"({escaped}) Tj ET Q EMC"
    ).encode("ascii")


def metadata(report: PeriodReport, title: str) -> dict[str, Any]:
    """Pinned, so equal data gives equal bytes."""
    import pikepdf

    moment = pikepdf.String(_pdf_date(report.generated_at))
    return {
        "/Title": pikepdf.String(title),
        "/Author": pikepdf.String(AUTHOR),
        "/Producer": pikepdf.String("intake (Typst, pikepdf)"),
        "/CreationDate": moment,
        "/ModDate": moment,
    }


def _pdf_date(moment: datetime) -> str:
    local = local_time(moment)
    offset = local.strftime("%z")
    return local.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"
