from markdown_it import MarkdownIt

from intake.records.report import render
from tests.support.reports import committee, period

ANSWER = "\n\n".join(
    [
        "# Rubrik",
        "**fet** _kursiv_ <script>alert(1)</script> [länk](https://example.se) `kod` &amp;"
        " ~~bort~~",
        "> citat",
        "---",
        "+ plus",
        "2022. Ett årtal",
        "===",
        "| a | b |",
        "![bild](x.png) \\ <https://example.se>",
    ]
)
FORBIDDEN = (
    "<h1>Rubrik",
    "<strong>fet",
    "<em>kursiv",
    "<script",
    "<a ",
    "<code>",
    "<blockquote",
    "<hr",
    "<img",
    "<s>",
    "<del>",
    '<ol start="2022"',
)


def test_markdown_report_escapes_a_contacts_markup():
    report = period(committee("Exempelnämnden", "specialist", answers={"matchning": ANSWER}))
    markdown = render(report, "md", "Exempelnämnden").decode("utf-8")
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    for tag in FORBIDDEN:
        assert tag not in html, tag
    assert html.count("<table") == 1  # the contact details, never the answer's pipes
    # Every line of the answer comes back as literal text in its own paragraph.
    for line in [
        "# Rubrik",
        "&gt; citat",
        "---",
        "+ plus",
        "2022. Ett årtal",
        "===",
        "**fet** _kursiv_ &lt;script&gt;alert(1)&lt;/script&gt; [länk](https://example.se)"
        " `kod` &amp;amp; ~~bort~~",
        "| a | b |",
    ]:
        assert f"<p>{line}</p>" in html, line
