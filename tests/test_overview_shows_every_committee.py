"""The overview: every committee with status in words, progress, totals, filters, sorting."""

from __future__ import annotations

import re

from tests.support.dashboard import DISTRICT, logged_in, open_round_with_answers


def _committees_in_order(html: str) -> list[str]:
    return re.findall(r'<a href="/committee/\d+">([^<]+)</a>', html)


def test_the_overview_lists_every_committee_with_status_and_progress(engine, clock):
    open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    html = web.get("/").text
    assert _committees_in_order(html) == [DISTRICT, "Trafiknämnden", "Stockholms Hamn AB"]
    assert "Pågår" in html and "Ej påbörjad" in html
    assert '<progress max="9" value="3">3 av 9</progress>' in html
    assert "Telegram" in html
    # Refreshing by itself is opt-in (WCAG 2.2.1): a link turns it on, and off again.
    assert 'http-equiv="refresh"' not in html
    assert '<a href="/?refresh=1">Uppdatera sidan automatiskt varje minut</a>' in html
    refreshing = web.get("/?refresh=1").text
    assert 'http-equiv="refresh" content="60"' in refreshing
    assert '<a href="/">sluta uppdatera automatiskt</a>' in refreshing
    assert "Besvarade frågor: 3 av" in html
    assert "2026 T3" in html and "/export.csv?period=2026%20T3" in html


def test_filters_and_sorting_by_query_parameters(engine, clock):
    open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    assert _committees_in_order(web.get("/?status=in_progress").text) == [DISTRICT]
    assert DISTRICT not in _committees_in_order(web.get("/?status=not_started").text)
    by_name = _committees_in_order(web.get("/?sort=committee&dir=asc").text)
    assert by_name == sorted(by_name, key=str.casefold)
    reversed_ = _committees_in_order(web.get("/?sort=committee&dir=desc").text)
    assert reversed_ == list(reversed(by_name))
    assert _committees_in_order(web.get("/?sort=progress&dir=desc").text)[0] == DISTRICT


def test_an_unknown_period_says_so(engine, clock):
    open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    response = web.get("/?period=1999 VB")
    assert response.status_code == 404 and "no round for period" in response.text


def test_without_a_round_the_overview_explains_how_to_open_one(engine, clock):
    web = logged_in(engine, clock)
    assert "Ingen omgång är öppnad ännu" in web.get("/").text
