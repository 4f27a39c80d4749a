"""The PDF is laid out by Typst, whose markup a contact could type: `*fet*`, `#read(...)`,
`$x$`, `<label>`, `@ref`. The templates take every contact's text as a string, which Typst
never parses, so it prints exactly as written and runs nothing."""

from intake.records.report import render
from tests.support.reports import committee, pdftotext, period, words

TYPED = [
    '#read("/etc/passwd")',
    "*fet* _kursiv_ `kod`",
    "$x^2$ = 4",
    "<etikett> @etikett",
    "= Inte en rubrik",
    "#set page(paper: \"a5\")",
    "\\ #{ 1 + 1 } [hakparentes] // ingen kommentar",
]


def test_typst_markup_in_an_answer_and_a_name_prints_as_typed(tmp_path):
    name = "Kultur #strong[& Fritid] AB"
    report = period(committee(name, "company", answers={"vaxla-upp-stockholm": "\n".join(TYPED)}))
    for who in (name, None):
        pdf = tmp_path / f"{who is None}.pdf"
        pdf.write_bytes(render(report, "pdf", who))
        text = " ".join(words(pdftotext(pdf)))
        for line in TYPED:
            assert " ".join(line.split()) in text, line
        assert name in text
        assert "root:" not in text  # the file was not read
