"""The overview's chart of completion over time: inline SVG drawn on the server, with the
same numbers as a table, day by day from the opening of the round."""

from __future__ import annotations

import re

from intake.rounds.opening import find_round
from intake.web.chart import completion_chart
from storage.db import transaction
from tests.support.dashboard import DISTRICT, logged_in, login
from tests.support.helpers import load_roster, open_test_round, send


def _rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr><th scope="row">([\d-]+)</th><td>(\d+ av \d+)</td>'
                      r'<td>(\d+ av \d+)</td>', html)


def test_the_chart_counts_submissions_and_answers_per_day(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())  # 2026-11-02
    web = logged_in(engine, clock)
    html = web.get("/").text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert _rows(html) == [("2026-11-02", "0 av 3", "0 av 29")]
    assert "<rect" not in html.split("<svg", 1)[1].split("</svg>")[0]

    clock.advance(days=1)
    send(engine, clock(), DISTRICT, "start")
    for number in (1, 2):
        send(engine, clock(), DISTRICT, "text", text=f"Svar {number}.")
        send(engine, clock(), DISTRICT, "next")
    clock.advance(days=1)
    for number in range(3, 10):
        send(engine, clock(), DISTRICT, "text", text=f"Svar {number}.")
        send(engine, clock(), DISTRICT, "next")
    send(engine, clock(), DISTRICT, "submit")
    send(engine, clock(), DISTRICT, "submit")

    assert login(web).status_code == 303  # two days on: the session has expired
    html = web.get("/").text
    assert _rows(html) == [("2026-11-02", "0 av 3", "0 av 29"),
                           ("2026-11-03", "0 av 3", "2 av 29"),
                           ("2026-11-04", "1 av 3", "9 av 29")]
    svg = html.split("<svg", 1)[1].split("</svg>")[0]
    assert svg.count("<rect") == 1 and "2026-11-04: 1 inskickade" in svg
    assert "Hittills har 1 av 3 nämnder skickat in och 9 av 29 frågor (31 %)" in svg
    assert "<script" not in svg


def test_the_chart_stops_at_the_deadline_and_stays_inside_its_box(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    clock.advance(days=400)
    with transaction(engine) as session:
        round_ = find_round(session, "2026 T3")
        chart = completion_chart(session, round_, clock())
        deadline = chart.deadline
    assert chart.days[-1].day == deadline
    for day in chart.days:
        assert chart.left <= day.x <= day.mid_x <= chart.width
        assert 0 <= day.line_y <= chart.plot_bottom
