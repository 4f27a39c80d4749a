"""The consolidated PDF as parts of bounded size, laid out separately and joined by pikepdf.

Order of work: every body part (overview, slices of each focus area, the closing question, the
provenance appendix) is laid out on its own, in worker processes when there are many, and
reports on which of its pages each heading landed; the cover and contents are laid out with
placeholder numbers to learn their length, then with the real ones; pdf_join joins the parts and
stamps the page numbers. Peak memory is a part's layout per worker plus the parts' PDF bytes.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

from intake.records.report.changes_view import ANCHOR as CHANGES_ANCHOR
from intake.records.report.changes_view import HEADING as CHANGES_HEADING
from intake.records.report.figures import ANCHOR as FIGURES_ANCHOR
from intake.records.report.figures import HEADING as FIGURES_HEADING
from intake.records.report.model import PeriodReport
from intake.records.report.pdf_join import join
from intake.records.report.render import context
from intake.records.report.typeset import common, compile_pdf, plain
from intake.records.report.views import AnswerView, Chapter, CommitteeAnswer, ConsolidatedQuestion

# About 26 pages of answers per part: large enough that the page break a part forces costs
# little, small enough that a part's layout (Typst keeps it whole in memory) stays small.
PART_BUDGET = 120_000
ANSWER_OVERHEAD = 300  # the committee's heading and spacing, in characters of answer text
# Parts are laid out in worker processes when there are enough of them to pay for starting
# the workers (about a second each, importing the project); each holds one part's layout.
MAX_WORKERS = 4
PARALLEL_FROM = 8


@dataclass(frozen=True)
class Part:
    kind: str  # front, overview, figures, chapter, closing, changes, appendix
    pages: dict[str, int] | None = None  # front only: anchor -> printed page number
    chapter: Chapter | None = None
    question: ConsolidatedQuestion | None = None  # closing only: "Övriga upplysningar"
    pieces: tuple[tuple[ConsolidatedQuestion, tuple[CommitteeAnswer, ...], bool], ...] = ()
    answers: tuple[CommitteeAnswer, ...] = ()
    rows: tuple[Any, ...] = ()
    opening: bool = True  # the first part of its chapter carries the heading and anchor


@dataclass
class Rendered:
    data: bytes
    page_count: int
    # anchor -> (page index in the part, left, top): where its named destination points
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)


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


def changes_parts(changes: Any, budget: int) -> Iterator[Part]:
    """The changes chapter cut between questions; each knows if its focus area starts there."""
    questions = changes.questions
    starts = [i == 0 or q.section != questions[i - 1].section for i, q in enumerate(questions)]
    costs = [ANSWER_OVERHEAD * (1 + len(q.entries))
             + sum(len(p.text) for e in q.entries for p in e.pieces) for q in questions]
    for number, (start, end) in enumerate(slices(costs, budget)):
        yield Part("changes", rows=tuple(zip(questions[start:end], starts[start:end],
                                             strict=True)), opening=number == 0)


def body_parts(view: Any, provenance: bool, budget: int) -> Iterator[Part]:
    yield Part("overview")
    if view.figures:
        yield Part("figures")
    for chapter in view.chapters:
        yield from chapter_parts(chapter, budget)
    if view.closing:
        answers = view.closing.answers
        costs = [answer_cost(a.answer) for a in answers]
        for number, (start, end) in enumerate(slices(costs, budget)):
            yield Part(
                "closing", question=view.closing, answers=answers[start:end], opening=number == 0
            )
    if view.changes:
        yield from changes_parts(view.changes, budget)
    if provenance:
        rows = view.provenance
        costs = [ANSWER_OVERHEAD * (1 + len(table)) for _, table in rows]
        for number, (start, end) in enumerate(slices(costs, budget)):
            yield Part("appendix", rows=rows[start:end], opening=number == 0)


def part_data(ctx: dict[str, Any], part: Part) -> dict[str, Any]:
    """What templates/report/period_part.typ gets for one part: only that part's answers."""
    view = ctx["p"]
    data = {
        **common(_title(ctx), ctx["running"], ctx["generated_at"]),
        "form": plain(view.form),
        "period": view.period,
        "generated": view.generated,
        "committees": len(view.overview),
    }
    body: dict[str, Any] = {"kind": part.kind, "opening": part.opening}
    if part.kind == "front":
        body |= {"pages": part.pages, "contents": contents(view, ctx["provenance"])}
    elif part.kind == "overview":
        body["rows"] = plain(view.overview)
    elif part.kind == "figures":
        body["figures"] = plain(view.figures)
    elif part.kind == "chapter":
        assert part.chapter is not None
        body |= {"id": part.chapter.id, "heading": part.chapter.heading}
        body["pieces"] = [
            {"id": q.id, "text": q.text, "first": first, "answers": plain(answers)}
            for q, answers, first in part.pieces
        ]
    elif part.kind == "changes":
        body["intro"] = view.changes.intro
        body["questions"] = [{"question": plain(q), "show_section": first}
                             for q, first in part.rows]
    elif part.kind == "closing":
        assert part.question is not None
        body |= {"id": part.question.id, "heading": part.question.text}
        body["answers"] = plain(part.answers)
    else:
        body["rows"] = plain(part.rows)
    return {**data, "part": body}


def contents(view: Any, provenance: bool) -> list[dict[str, Any]]:
    """The contents entries in order: anchor, text and level (2 for a question)."""
    entries = [{"id": "oversikt", "text": "Översikt över inrapporteringen", "level": 1}]
    if view.figures:
        entries.append({"id": FIGURES_ANCHOR, "text": FIGURES_HEADING, "level": 1})
    for chapter in view.chapters:
        entries.append({"id": chapter.id, "text": chapter.heading, "level": 1})
        entries += [{"id": f"q-{q.id}", "text": q.text, "level": 2} for q in chapter.questions]
    if view.closing:
        entries.append({"id": f"q-{view.closing.id}", "text": view.closing.text, "level": 1})
    if view.changes:
        entries.append({"id": CHANGES_ANCHOR, "text": CHANGES_HEADING, "level": 1})
    if provenance:
        entries.append({"id": "svarens-ursprung", "text": "Bilaga: Svarens ursprung", "level": 1})
    return entries


def _title(ctx: dict[str, Any]) -> str:
    view = ctx["p"]
    return f"{view.form.title} – Sammanställning – {view.period}"


def render_part(ctx: dict[str, Any], part: Part) -> Rendered:
    """Lay out one part; its anchors are by page index within the part."""
    import pikepdf

    data = compile_pdf("period_part.typ", part_data(ctx, part), ctx["generated_at"], ua=False)
    with pikepdf.Pdf.open(io.BytesIO(data)) as pdf:
        return Rendered(data, len(pdf.pages), named_destinations(pdf))


def named_destinations(pdf: Any) -> dict[str, tuple[int, float, float]]:
    """Typst names a destination after each labelled heading: where did each land?"""
    import pikepdf

    names = pdf.Root.get("/Names", {}).get("/Dests")
    if names is None:
        return {}
    page_index = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found = {}
    for name, destination in pikepdf.NameTree(names).items():
        if isinstance(destination, pikepdf.Dictionary):
            destination = destination.D
        page, _, left, top = list(destination)[:4]
        found[str(name)] = (page_index[page.objgen], float(left), float(top))
    return found


def _render_in_worker(task: tuple[dict[str, Any], Part]) -> Rendered:
    return render_part(*task)


def period_pdf(
    report: PeriodReport, provenance: bool, budget: int = PART_BUDGET, workers: int | None = None
) -> bytes:
    ctx = {**context(report, None, provenance), "generated_at": report.generated_at}
    view = ctx["p"]
    parts = list(body_parts(view, provenance, budget))
    # A body part needs the view's form and overview, not every other part's answers.
    changes = replace(view.changes, questions=()) if view.changes else None
    slim = {**ctx, "p": replace(view, chapters=(), closing=None, provenance=(), changes=changes)}
    body = render_all([(slim, part) for part in parts], workers)
    # Page numbers are stamped after joining, so the body never waits for the contents'
    # length; only the contents is laid out again if real numbers change its length.
    length = render_part(ctx, Part("front", pages=_placeholder_pages(view))).page_count
    while True:
        pages = _page_numbers(body, length)
        front = render_part(ctx, Part("front", pages=pages))
        if front.page_count == length:
            break
        length = front.page_count
    return join(front, body, contents(view, provenance), report, _title(ctx))


def render_all(tasks: list[tuple[dict[str, Any], Part]], workers: int | None) -> list:
    """The parts in order, laid out in parallel: each is independent of the others."""
    if workers is None:
        workers = min(MAX_WORKERS, os.cpu_count() or 1) if len(tasks) >= PARALLEL_FROM else 1
    if workers <= 1:
        return [_render_in_worker(task) for task in tasks]
    # spawn, not fork: a forked copy of a process with threads (a web server) can deadlock.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_render_in_worker, tasks))


def _placeholder_pages(view: Any) -> dict[str, int]:
    ids = ["oversikt", FIGURES_ANCHOR, CHANGES_ANCHOR, "svarens-ursprung"]
    ids += [ch.id for ch in view.chapters]
    ids += [f"q-{q.id}" for ch in view.chapters for q in ch.questions]
    if view.closing:
        ids.append(f"q-{view.closing.id}")
    widest = 10 ** (len(str(len(view.overview) * 20)) + 1) - 1  # more digits than pages
    return dict.fromkeys(ids, widest)


def _page_numbers(body: list[Rendered], front_length: int) -> dict[str, int]:
    """Printed page number of each anchor's first occurrence, with the front before the body."""
    pages: dict[str, int] = {}
    first = front_length + 1
    for part in body:
        for anchor, (index, _, _) in part.anchors.items():
            pages.setdefault(anchor, first + index)
        first += part.page_count
    return pages
