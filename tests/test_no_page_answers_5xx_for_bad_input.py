"""Every route of the dashboard, probed with unknown ids, huge ids and odd query strings, answers
4xx (or a normal page), never 5xx: bad input is the visitor's mistake, not a server failure."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from intake.web.app import create_app
from tests.support.dashboard import add_account, csrf_of, login, open_round_with_answers, settings

IDS = ("0", "999999", "99999999999999999999999999")  # unknown, and beyond a 64-bit integer
QUERIES = ("", "?period=", "?period=%00", "?period=1999+XX", "?period=" + "9" * 5000,
           "?status=%ff%fe&sort=%00&dir=sideways", "?sort=committee&dir=desc&refresh=%00",
           "?period=2026+T3&period=2027+T1", "?%zz=%zz", "?committee=%00&fmt=../../etc")
PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def _concrete(path: str, value: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if kind == "int" or name.endswith("_id"):
            return value
        if value == "0":
            return "%00"  # a NUL where a word belongs
        return {"fmt": "docx", "token": "A" * 24, "action": "approve"}.get(name, "x")
    return PARAM.sub(fill, path)


@pytest.fixture
def web(engine, clock):
    open_round_with_answers(engine, clock)
    add_account(engine, clock)
    # Server errors as status codes, so one probe's failure does not hide the others.
    client = TestClient(create_app(engine, clock, {"web": "test"}, settings()),
                        raise_server_exceptions=False)
    assert login(client).status_code == 303
    return client


def _routes(web) -> list[Route]:
    return [r for r in web.app.routes if isinstance(r, Route)]


def test_every_get_route_answers_below_500_for_bad_ids_and_queries(web):
    failures = []
    for route in _routes(web):
        if "GET" not in (route.methods or ()):
            continue
        for value in IDS:
            for query in QUERIES:
                path = _concrete(route.path, value) + query
                status = web.get(path, follow_redirects=False).status_code
                if status >= 500:
                    failures.append((path[:120], status))
    assert not failures, failures


def test_every_post_route_answers_below_500_for_bad_ids_and_forms(web):
    token = csrf_of(web.get("/login").text)
    failures = []
    for route in _routes(web):
        if "POST" not in (route.methods or ()) or route.path == "/logout":
            continue
        for value in IDS:
            path = _concrete(route.path, value)
            for form in ({"csrf": token}, {"csrf": token, "contact": "9" * 40, "flag": "%00",
                                           "period": "\x00", "deadline": "not a date"}):
                status = web.post(path, data=form, follow_redirects=False).status_code
                if status >= 500:
                    failures.append((path, status))
    assert not failures, failures
