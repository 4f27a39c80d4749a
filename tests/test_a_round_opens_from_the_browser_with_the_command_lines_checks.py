"""Opening a round from the dashboard: the same checks and messages as `intake round open`,
and nothing written when one fails."""

from __future__ import annotations

import html

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from intake.paths import BUNDLED_FORMS_DIR
from intake.settings import Settings
from intake.web.app import create_app
from storage.db import transaction
from storage.models import Assignment, Outbox, Round
from tests.support.dashboard import ANNA, add_account, logged_in, login
from tests.support.helpers import load_roster, run_cli
from tests.support.manage import actions, count, post

GOOD = {"form_id": "naringsliv", "period": "2026 T3", "deadline": "2027-01-20T17:00",
        "reminders": "", "reminder_time": ""}


def test_a_round_opens_with_an_assignment_and_an_invitation_per_committee(engine, clock):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    page = web.get("/rounds/new")
    assert page.status_code == 200 and 'value="naringsliv"' in page.text
    response = post(web, "/rounds/new", "/rounds/new",
                    GOOD | {"reminders": "-3,0,+2", "reminder_time": "08:30"})
    assert response.status_code == 303
    assert "Omgången 2026 T3 är öppnad: 3 uppdrag, 3 inbjudningar" in web.get("/rounds/new").text
    assert count(engine, Assignment) == 3
    assert count(engine, Outbox, Outbox.kind == "question") == 3
    with transaction(engine) as session:
        round_ = session.exec(select(Round)).one()
        assert round_.reminder_ladder == [-3, 0, 2] and round_.reminder_time == "08:30"
    [logged] = actions(engine, "round_opened")
    assert logged.actor == ANNA and logged.detail["period"] == "2026 T3"


@pytest.mark.parametrize("change", [
    {"deadline": "next friday"},
    {"deadline": "2026-10-01T17:00"},
    {"reminders": "-7,soon"},
    {"reminders": "-99"},
    {"reminder_time": "25:00"},
    {"form_id": "no-such-form"},
    {"period": "  "},
])
def test_bad_input_shows_the_command_lines_message_and_opens_nothing(engine, clock, cli_env,
                                                                     monkeypatch, change):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    values = GOOD | change
    response = post(web, "/rounds/new", "/rounds/new", values)
    assert response.status_code == 400
    assert "Inget är ändrat" in response.text
    assert count(engine, Round) == 0 and count(engine, Outbox) == 0
    args = ["round", "open", values["form_id"], "--period", values["period"],
            "--deadline", values["deadline"]]
    if values["reminders"]:
        args += ["--reminders", values["reminders"]]
    if values["reminder_time"]:
        args += ["--reminder-time", values["reminder_time"]]
    monkeypatch.setenv("INTAKE_FAKE_NOW", clock().isoformat())  # the same instant as the web
    cli = run_cli(*args)
    assert cli.exit_code == 1
    message = cli.stderr.strip().removeprefix("error: ")
    assert message in html.unescape(response.text)
    assert count(engine, Round) == 0


def test_a_period_that_is_already_open_is_refused(engine, clock):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    assert post(web, "/rounds/new", "/rounds/new", GOOD).status_code == 303
    sent = count(engine, Outbox)
    response = post(web, "/rounds/new", "/rounds/new", GOOD)
    assert response.status_code == 400
    assert "a round for &#39;2026 T3&#39; is already open" in response.text
    assert count(engine, Round) == 1 and count(engine, Outbox) == sent


def test_opening_needs_the_csrf_token(engine, clock):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    web.get("/rounds/new")
    assert web.post("/rounds/new", data=GOOD).status_code == 403
    assert web.post("/rounds/new", data=GOOD | {"csrf": "forged"}).status_code == 403
    assert count(engine, Round) == 0


def test_forms_dir_adds_forms_and_its_broken_files_are_explained(engine, clock, tmp_path):
    bundled = (BUNDLED_FORMS_DIR / "naringsliv.yaml").read_text(encoding="utf-8")
    (tmp_path / "extra.yaml").write_text(bundled.replace("id: naringsliv", "id: extra", 1),
                                         encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    add_account(engine, clock)
    config = Settings(database_url="", var_dir=tmp_path, secret_key="a test key",
                      forms_dir=str(tmp_path))
    web = TestClient(create_app(engine, clock, {"web": "test"}, config))
    login(web)
    page = web.get("/rounds/new").text
    assert 'value="extra"' in page and 'value="naringsliv"' in page
    assert "broken.yaml" in page and "malformed YAML" in page
