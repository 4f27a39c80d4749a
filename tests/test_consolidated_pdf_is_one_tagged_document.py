"""The consolidated PDF is joined from parts, yet it is one tagged document: a single structure
tree holds every part's headings in reading order, and each page still finds its elements."""

import shutil
import subprocess

from report_helpers import sample_period

from intake.report.pdf_parts import body_parts, period_pdf
from intake.report.render import context

BUDGET = 1500  # cuts the focus areas between committees, so the file is many parts


def structure_lines(pdf) -> list[str]:
    tool = shutil.which("pdfinfo")
    assert tool, "pdfinfo (poppler-utils, see system-packages.txt) is missing"
    out = subprocess.run([tool, "-struct-text", str(pdf)], check=True, capture_output=True)
    return out.stdout.decode("utf-8", "replace").splitlines()


def test_the_joined_pdf_has_one_tree_with_every_parts_headings(tmp_path):
    report = sample_period()
    view = context(report, None, True)["p"]
    assert len(list(body_parts(view, True, BUDGET))) > 5
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(period_pdf(report, provenance=True, budget=BUDGET, workers=1))

    lines = structure_lines(pdf)
    assert lines[0] == "Document"
    assert sum(line == "Document" for line in lines) == 1  # the parts' own roots are gone
    top = [line.split()[0] for line in lines if line.startswith("  ") and line[2] != " "]
    answers = sum(len(q.answers) for ch in view.chapters for q in ch.questions)
    answers += len(view.closing.answers)
    assert top.count("H4") == answers  # one heading per committee answer, in every part
    questions = sum(len(ch.questions) for ch in view.chapters)
    # H3: each question, and each committee in the provenance appendix.
    assert top.count("H3") == questions + len(view.provenance)
    # H2: contents, overview, each focus area, "Övriga upplysningar" and the appendix.
    assert top.count("H2") == 1 + 1 + len(view.chapters) + 1 + 1
    assert top.index("H1") < top.index("H2")


def test_every_page_finds_its_elements_in_the_joined_parent_tree(tmp_path):
    from pypdf import PdfReader

    data = period_pdf(sample_period(), provenance=False, budget=BUDGET, workers=1)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    reader = PdfReader(pdf)
    root = reader.root_object["/StructTreeRoot"]
    keys = root["/ParentTree"]["/Nums"][::2]
    assert bool(reader.root_object["/MarkInfo"]["/Marked"])
    page_keys = [page["/StructParents"] for page in reader.pages]
    annotation_keys = [
        a.get_object()["/StructParent"] for page in reader.pages for a in page.get("/Annots", [])
    ]
    assert len(set(page_keys + annotation_keys)) == len(page_keys) + len(annotation_keys)
    assert set(page_keys + annotation_keys) <= set(keys)
    assert root["/ParentTreeNextKey"] == max(keys) + 1
    # A contents link's element points at the very annotation on the page, not at a copy.
    nums = root["/ParentTree"]["/Nums"]
    by_key = dict(zip(nums[::2], nums[1::2], strict=True))
    assert reader.pages[1].get("/Annots")
    for page in reader.pages[:2]:
        for annotation in page.get("/Annots", []):
            element = by_key[annotation.get_object()["/StructParent"]].get_object()
            kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
            references = [k.get_object() for k in kids if not isinstance(k.get_object(), int)]
            objects = [k.raw_get("/Obj").idnum for k in references if "/Obj" in k]
            assert annotation.indirect_reference.idnum in objects
