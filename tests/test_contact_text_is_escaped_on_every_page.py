"""A contact's own words are shown as text, never as markup."""

from __future__ import annotations

from tests.support.dashboard import DISTRICT, logged_in, open_round_with_answers
from tests.support.helpers import send

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_an_answer_is_escaped_on_the_committee_page(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    send(engine, clock(), DISTRICT, "text", text=EVIL)
    web = logged_in(engine, clock)
    response = web.get(f"/committee/{assignment_id}")
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
    assert "script-src 'none'" in response.headers["content-security-policy"]


def test_the_csv_download_keeps_the_text_verbatim(engine, clock):
    open_round_with_answers(engine, clock)
    send(engine, clock(), DISTRICT, "text", text=EVIL)
    web = logged_in(engine, clock)
    response = web.get("/export.csv?period=2026 T3")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert "Svar på fråga 2." in response.text and "<script>" in response.text
