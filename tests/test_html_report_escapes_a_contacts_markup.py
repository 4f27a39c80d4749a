from intake.records.report import render
from tests.support.reports import committee, period

NASTY = "<script>alert('x')</script> Bolag & Co <b>fet</b>"


def test_html_report_escapes_a_contacts_markup():
    name = 'Kultur & "Fritid" </style><script>x</script> AB'
    report = period(committee(name, "company", answers={"vaxla-upp-stockholm": NASTY}))
    for who in (name, None):
        html = render(report, "html", who).decode("utf-8")
        assert "<script>" not in html and "<b>fet" not in html
        assert (
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Bolag &amp; Co &lt;b&gt;fet&lt;/b&gt;"
            in html
        )
        assert "Kultur &amp; &#34;Fritid&#34;" in html
        # The running footer is a CSS string: the name must not be able to close the <style>.
        assert html.count("</style>") == 1
