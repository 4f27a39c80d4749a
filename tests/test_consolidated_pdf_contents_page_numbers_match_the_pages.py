"""The consolidated PDF is laid out in parts; its contents and footers must still be right."""

import re
import shutil
import subprocess

from intake.records.report.pdf_parts import Part, body_parts, period_pdf
from intake.records.report.render import context
from tests.support.reports import sample_period


def page_text(pdf, number: int) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils, see system-packages-test.txt) is missing"
    args = [tool, "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-"]
    return " ".join(subprocess.run(args, check=True, capture_output=True, text=True).stdout.split())


def contents_entries(view) -> list[str]:
    entries = ["Översikt över inrapporteringen"]
    for chapter in view.chapters:
        entries += [chapter.heading] + [q.text for q in chapter.questions]
    return entries + [view.closing.text, "Bilaga: Svarens ursprung"]


def test_contents_page_numbers_and_footers_match_the_joined_pages(tmp_path):
    report = sample_period()
    # A tiny budget cuts focus areas between committees, so the file is many parts.
    budget = 1500
    view = context(report, None, True)["p"]
    parts = list(body_parts(view, True, budget))
    assert sum(p.kind == "chapter" and not p.opening for p in parts) >= 3
    assert any(p.kind == "chapter" and not p.pieces[0][2] for p in parts)  # a question continues
    pdf = tmp_path / "report.pdf"
    data = period_pdf(report, provenance=True, budget=budget, workers=2)
    # Laid out in worker processes or in this one, the parts give the same bytes.
    assert period_pdf(report, provenance=True, budget=budget, workers=1) == data
    pdf.write_bytes(data)
    count = int(re.search(r"Pages:\s+(\d+)", _pdfinfo(pdf)).group(1))
    pages = {n: page_text(pdf, n) for n in range(1, count + 1)}

    contents = pages[2]
    assert contents.startswith("Innehåll")
    numbers = set()
    for entry in contents_entries(view):
        match = re.search(re.escape(" ".join(entry.split())) + r"[ .]*?(\d+)(?: |$)", contents)
        assert match, entry
        number = int(match.group(1))
        numbers.add(number)
        assert " ".join(entry.split()) in pages[number], (entry, number)
        earlier = [n for n in range(3, number) if " ".join(entry.split()) in pages[n]]
        assert earlier == [], (entry, number, earlier)

    # The contents' links (added after joining) lead to the pages the contents names.
    assert link_targets(pdf, 2) == numbers

    # Page numbers count on across parts: every page but the cover ends "number (total)".
    assert re.search(r"\d \(\d+\)$", pages[1]) is None
    for number in range(2, count + 1):
        assert pages[number].endswith(f" {number} ({count})"), (number, pages[number][-80:])


def test_a_part_never_ends_with_a_question_heading_alone():
    view = context(sample_period(), None, False)["p"]
    for part in body_parts(view, False, 1500):
        if part.kind == "chapter":
            assert all(answers for _, answers, _ in part.pieces), part
    assert Part("front").pages is None


def link_targets(pdf, number: int) -> set[int]:
    import pikepdf

    with pikepdf.open(pdf) as document:
        page_of = {page.obj.objgen: i + 1 for i, page in enumerate(document.pages)}
        targets = set()
        for annotation in document.pages[number - 1].obj.get("/Annots", []):
            destination = annotation.get("/Dest") or annotation.A.D
            targets.add(page_of[destination[0].objgen])
        return targets


def _pdfinfo(pdf) -> str:
    tool = shutil.which("pdfinfo")
    assert tool, "pdfinfo (poppler-utils) is missing"
    return subprocess.run([tool, str(pdf)], check=True, capture_output=True, text=True).stdout
