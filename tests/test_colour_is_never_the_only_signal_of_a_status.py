"""Colour is never the only signal (WCAG 1.4.1): every coloured status, warning, notice and
report marker also says what it is in words, and no two statuses share a word and a symbol.
"""

from __future__ import annotations

from html.parser import HTMLParser

from sqlmodel import select

from intake.records.report import render
from intake.web.render import STATUS_LABELS
from storage.db import transaction
from storage.models import Assignment, Contact
from tests.support.dashboard import DISTRICT, logged_in, submit_whole_form
from tests.support.helpers import assignment_of
from tests.support.reports import sample_period

COLOURED = ("status", "flag", "notice", "error", "marker")


class _Coloured(HTMLParser):
    """The text of every element whose class is one the stylesheets colour."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[tuple[str, int, list[str]]] = []  # (class, depth, texts)
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "input", "meta", "link", "img"):
            return
        self._depth += 1
        classes = (dict(attrs).get("class") or "").split()
        for name in classes:
            if name in COLOURED or name.startswith(("status-", "marker-")):
                self._open.append((" ".join(classes), self._depth, []))
                break

    def handle_endtag(self, tag):
        if self._open and self._open[-1][1] == self._depth:
            classes, _, texts = self._open.pop()
            self.found.append((classes, " ".join("".join(texts).split())))
        self._depth -= 1

    def handle_data(self, data):
        for _, _, texts in self._open:
            texts.append(data)


def coloured(html: str) -> list[tuple[str, str]]:
    parser = _Coloured()
    parser.feed(html)
    return parser.found


def _has_words(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 2


def test_each_status_label_is_distinct_in_words_and_symbol():
    words = [label for label, _ in STATUS_LABELS.values()]
    symbols = [symbol for _, symbol in STATUS_LABELS.values()]
    assert len(set(words)) == len(words) and len(set(symbols)) == len(symbols)


def test_every_coloured_element_on_the_dashboard_says_it_in_words(engine, clock):
    submit_whole_form(engine, clock)
    statuses = {"Trafiknämnden": "in_progress", "Stockholms Hamn AB": "returned"}
    with transaction(engine) as session:
        for committee, status in statuses.items():
            assignment_of(session, committee).status = status
        district = assignment_of(session, DISTRICT)
        contact = session.get_one(Contact, district.contact_id)
        contact.email_failing_at, contact.email_failure = clock(), "550 no such user"
    web = logged_in(engine, clock)
    overview = web.get("/").text
    found = coloured(overview)
    assert found, "no coloured element found: the check looks for the wrong classes"
    for classes, text in found:
        assert _has_words(text), f"{classes!r} carries no words: {text!r}"
    shown = {classes: text for classes, text in found if classes.startswith("status ")}
    for status, (label, symbol) in STATUS_LABELS.items():
        assert shown[f"status status-{status}"] == f"{symbol} {label}"
    assert any(c == "flag" and "E-post studsar" in t for c, t in found)

    with transaction(engine) as session:
        ids = [a.id for a in session.exec(select(Assignment))]
    for assignment_id in ids:
        for classes, text in coloured(web.get(f"/committee/{assignment_id}").text):
            assert _has_words(text), f"{classes!r} on a committee page carries no words: {text!r}"


def test_report_markers_and_statuses_are_words():
    report = sample_period()
    for committee in (None, DISTRICT, "Älvsjö exempelnämnd"):
        html = render(report, "html", committee).decode("utf-8")
        found = coloured(html)
        for classes, text in found:
            assert _has_words(text), f"{classes!r} in the report carries no words: {text!r}"
    markers = {text for classes, text in coloured(render(report, "html", None).decode())
               if classes.startswith("marker")}
    assert "Ej besvarad" in markers
