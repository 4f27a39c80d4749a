"""No page, action or download of the dashboard without a session."""

from __future__ import annotations

from starlette.routing import Route

from tests.support.dashboard import client, open_round_with_answers


def test_pages_redirect_to_login_and_downloads_answer_401(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = client(engine, clock)
    for path in ("/", f"/committee/{assignment_id}", "/?period=2026+T3"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert web.get("/export.csv?period=2026 T3").status_code == 401
    for action in ("approve", "return", "resend"):
        response = web.post(f"/committee/{assignment_id}/{action}", data={"csrf": "x"})
        assert response.status_code == 401
    assert "Svar på fråga" not in web.get("/").text


def test_every_route_but_login_and_healthz_is_guarded(engine, clock):
    web = client(engine, clock)
    paths = {route.path for route in web.app.routes if isinstance(route, Route)}
    assert paths >= {"/", "/login", "/login/{token}", "/logout", "/healthz", "/export.csv"}
    for path in paths - {"/login", "/login/{token}", "/healthz"}:
        concrete = path.replace("{assignment_id:int}", "1").replace("{action:str}", "approve")
        response = web.get(concrete, follow_redirects=False)
        assert response.status_code in (303, 401, 405), path
        assert response.status_code != 200


def test_healthz_and_login_are_open(engine, clock):
    web = client(engine, clock)
    assert web.get("/healthz").json()["status"] == "ok"
    assert "Logga in" in web.get("/login").text
