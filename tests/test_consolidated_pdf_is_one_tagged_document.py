"""The consolidated PDF is joined from parts, yet it is one tagged document: a single structure
tree holds every part's headings in reading order, and each page still finds its elements."""

import shutil
import subprocess

from intake.records.report.pdf_parts import body_parts, period_pdf
from intake.records.report.render import context
from tests.support.reports import sample_period

BUDGET = 1500  # cuts the focus areas between committees, so the file is many parts


def structure_lines(pdf) -> list[str]:
    tool = shutil.which("pdfinfo")
    assert tool, "pdfinfo (poppler-utils, see system-packages-test.txt) is missing"
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
    import pikepdf

    data = period_pdf(sample_period(), provenance=False, budget=BUDGET, workers=1)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    with pikepdf.open(pdf) as document:
        assert bool(document.Root.MarkInfo.Marked)
        root = document.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        by_key = {int(key): value for key, value in zip(nums[::2], nums[1::2], strict=True)}
        pages = [page.obj for page in document.pages]
        page_keys = [int(page.StructParents) for page in pages]
        annotations = [a for page in pages for a in page.get("/Annots", [])]
        annotation_keys = [int(a.StructParent) for a in annotations]
        assert len(set(page_keys + annotation_keys)) == len(page_keys) + len(annotation_keys)
        assert set(page_keys + annotation_keys) <= set(by_key)
        assert int(root.ParentTreeNextKey) == max(by_key) + 1
        # A contents link's element points at the very annotation on the page, not a copy.
        assert pages[1].get("/Annots")
        for annotation in [*pages[0].get("/Annots", []), *pages[1].get("/Annots", [])]:
            element = by_key[int(annotation.StructParent)]
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            references = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
            objects = [k.Obj.objgen for k in references if "/Obj" in k]
            assert annotation.objgen in objects
