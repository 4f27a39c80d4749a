"""The consolidated PDF as parts of bounded size, laid out one at a time and joined by pypdf.

Order of work: the cover and contents are laid out once with placeholder page numbers, only to
learn how many pages they take; then every body part (overview, slices of each focus area,
the closing question, the provenance appendix) in order, each numbering its pages on from the
previous one and reporting on which page each heading landed; then the cover and contents
again with the real numbers. Peak memory is one part's layout plus the finished PDF bytes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import groupby
from typing import Any

from intake.report.model import PeriodReport, local_time
from intake.report.pdf import LANGUAGE, document_bytes, layout, source_date_epoch
from intake.report.render import AUTHOR, context, html_env
from intake.report.views import AnswerView, Chapter, CommitteeAnswer, ConsolidatedQuestion

# About 40 pages of answers per part: large enough that the page break a part forces costs
# little, small enough that WeasyPrint's per-page cost (which grows with the document) stays low.
PART_BUDGET = 120_000
ANSWER_OVERHEAD = 300  # the committee's heading and spacing, in characters of answer text
PX_TO_PT = 0.75  # WeasyPrint positions are CSS pixels; PDF user space is points


@dataclass(frozen=True)
class Part:
    kind: str  # front, overview, chapter, closing, appendix
    first_page: int = 1
    pages: dict[str, int] | None = None  # front only: anchor -> printed page number
    chapter: Chapter | None = None
    pieces: tuple[tuple[ConsolidatedQuestion, tuple[CommitteeAnswer, ...], bool], ...] = ()
    answers: tuple[CommitteeAnswer, ...] = ()
    rows: tuple[Any, ...] = ()
    opening: bool = True  # the first part of its chapter carries the heading and anchor


@dataclass
class Rendered:
    data: bytes
    page_count: int
    anchors: dict[str, int] = field(default_factory=dict)  # anchor -> printed page number
    links: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)


def answer_cost(view: AnswerView) -> int:
    return ANSWER_OVERHEAD + sum(len(line) for block in view.blocks for line in block.lines)


def slices(costs: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) ranges whose costs add up to at most budget (at least one item)."""
    bounds, start, size = [], 0, 0
    for index, cost in enumerate(costs):
        if size and size + cost > budget:
            bounds.append((start, index))
            start, size = index, 0
        size += cost
    bounds.append((start, len(costs)))
    return bounds


def chapter_parts(chapter: Chapter, budget: int) -> Iterator[Part]:
    """A focus area cut between committees' answers; each piece knows if its question starts."""
    flat = [(q, i, ca) for q in chapter.questions for i, ca in enumerate(q.answers)]
    costs = [answer_cost(answer.answer) for *_, answer in flat]
    for number, (start, end) in enumerate(slices(costs, budget)):
        pieces = []
        for _, group in groupby(flat[start:end], key=lambda item: item[0].id):
            items = list(group)
            pieces.append((items[0][0], tuple(a for *_, a in items), items[0][1] == 0))
        yield Part("chapter", chapter=chapter, pieces=tuple(pieces), opening=number == 0)


def body_parts(view: Any, provenance: bool, budget: int) -> Iterator[Part]:
    yield Part("overview")
    for chapter in view.chapters:
        yield from chapter_parts(chapter, budget)
    if view.closing:
        answers = view.closing.answers
        costs = [answer_cost(a.answer) for a in answers]
        for number, (start, end) in enumerate(slices(costs, budget)):
            yield Part("closing", answers=answers[start:end], opening=number == 0)
    if provenance:
        rows = view.provenance
        costs = [ANSWER_OVERHEAD * (1 + len(table)) for _, table in rows]
        for number, (start, end) in enumerate(slices(costs, budget)):
            yield Part("appendix", rows=rows[start:end], opening=number == 0)


class _NoMissingAnchorWarning(logging.Filter):
    """The contents part links to headings in other parts; pypdf adds those links afterwards."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No anchor #")


def render_part(ctx: dict[str, Any], part: Part) -> Rendered:
    html = html_env().get_template("period_part.html.j2").render({**ctx, "part": part})
    document = layout(html, tagged=False)
    rendered = Rendered(b"", len(document.pages))
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            rendered.anchors.setdefault(anchor, part.first_page + index)
        for link_type, target, rect, _ in page.links:
            if link_type == "internal":
                rendered.links.append((index, target, tuple(rect)))
    weasy_logger = logging.getLogger("weasyprint")
    quiet = _NoMissingAnchorWarning()
    weasy_logger.addFilter(quiet)
    try:
        rendered.data = document_bytes(document, html, tagged=False)
    finally:
        weasy_logger.removeFilter(quiet)
    return rendered


def period_pdf(report: PeriodReport, provenance: bool, budget: int = PART_BUDGET) -> bytes:
    ctx = context(report, None, provenance)
    view = ctx["p"]
    with source_date_epoch(report.generated_at):
        placeholder = _placeholder_pages(view, provenance)
        front = render_part(ctx, Part("front", pages=placeholder))
        while True:
            body, pages = _render_body(ctx, view, provenance, budget, front.page_count + 1)
            final = render_part(ctx, Part("front", pages=pages))
            # Real numbers are never wider than the placeholder, so this holds but for a freak
            # line wrap; then the body is numbered again from the new length.
            if final.page_count == front.page_count:
                break
            front = final
    title = f"{view.form.title} – Sammanställning – {report.period}"
    return join([final, *body], pages, report, title)


def _placeholder_pages(view: Any, provenance: bool) -> dict[str, int]:
    ids = ["oversikt", "svarens-ursprung"] + [ch.id for ch in view.chapters]
    ids += [f"q-{q.id}" for ch in view.chapters for q in ch.questions]
    if view.closing:
        ids.append(f"q-{view.closing.id}")
    widest = 10 ** (len(str(len(view.overview) * 20)) + 1) - 1  # more digits than pages
    return dict.fromkeys(ids, widest)


def _render_body(
    ctx: dict[str, Any], view: Any, provenance: bool, budget: int, first_page: int
) -> tuple[list[Rendered], dict[str, int]]:
    body, pages, next_page = [], {}, first_page
    for part in body_parts(view, provenance, budget):
        rendered = render_part(ctx, replace(part, first_page=next_page))
        body.append(rendered)
        for anchor, page in rendered.anchors.items():
            pages.setdefault(anchor, page)
        next_page += rendered.page_count
    return body, pages


def join(parts: list[Rendered], pages: dict[str, int], report: PeriodReport, title: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.data)), import_outline=True)
    # The contents entries point into other parts: link them to the page they name.
    for index, target, (x0, y0, x1, y1) in _outer_links(parts[0].links):
        height = float(writer.pages[index].mediabox.height)
        rect = (x0 * PX_TO_PT, height - y1 * PX_TO_PT, x1 * PX_TO_PT, height - y0 * PX_TO_PT)
        writer.add_annotation(index, Link(rect=rect, target_page_index=pages[target] - 1))
    writer.root_object[NameObject("/Lang")] = TextStringObject(LANGUAGE)
    writer.create_viewer_preferences().display_doctitle = True
    writer.add_metadata(_metadata(report, title))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _outer_links(
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


def _metadata(report: PeriodReport, title: str) -> dict[str, str]:
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
