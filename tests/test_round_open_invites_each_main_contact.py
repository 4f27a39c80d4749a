"""`intake round open`: an assignment per committee, one invitation per main contact."""

from __future__ import annotations

from sqlmodel import select

from intake.paths import BUNDLED_FORMS_DIR, PROJECT_ROOT
from storage.db import transaction
from storage.models import Assignment, Contact, Outbox, Round
from tests.support.helpers import run_cli


def _import_sample():
    assert run_cli("roster", "import", str(PROJECT_ROOT / "samples" / "roster.csv")).exit_code == 0


def test_opening_a_round_lists_every_committee_not_started_with_one_invitation_each(
        cli_env, engine):
    _import_sample()
    result = run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                     "--deadline", "2027-02-15T17:00")
    assert result.exit_code == 0, result.stderr
    status = run_cli("status", "--json").json()
    assert status["period"] == "2026 VB"
    assert status["deadline"] == "2027-02-15T17:00:00+01:00"
    with transaction(engine) as session:
        mains = session.exec(select(Contact).where(Contact.role == "main")).all()
        invitations = session.exec(select(Outbox)).all()
    assert len(status["assignments"]) == len(mains) == 28
    assert {a["status"] for a in status["assignments"]} == {"not_started"}
    assert sorted(o.recipient for o in invitations) == sorted(c.email for c in mains)
    assert {(o.kind, o.template, o.question_number) for o in invitations} == {
        ("question", "question", 1)}
    assert all(o.data["invitation"] and o.data["intro"].startswith("För att nå resultat")
               for o in invitations if o.language == "sv")
    keys = set(status["assignments"][0])
    assert keys == {"committee", "kind", "status", "answered", "total", "channel", "contact",
                    "last_activity", "reminders_sent", "next_reminder"}


def test_the_same_period_cannot_be_opened_twice(cli_env, engine):
    _import_sample()
    args = ("round", "open", "naringsliv", "--period", "2026 VB", "--deadline", "2027-02-15T17:00")
    assert run_cli(*args).exit_code == 0
    again = run_cli(*args)
    assert again.exit_code == 1
    assert "a round for '2026 VB' is already open" in again.stderr
    with transaction(engine) as session:
        assert len(session.exec(select(Round)).all()) == 1
        assert len(session.exec(select(Outbox)).all()) == 28


def test_a_deadline_in_the_past_or_malformed_is_refused(cli_env, engine):
    _import_sample()
    past = run_cli("round", "open", "naringsliv", "--period", "2020 VB",
                   "--deadline", "2020-01-01T17:00")
    assert past.exit_code == 1 and "is in the past" in past.stderr
    bad = run_cli("round", "open", "naringsliv", "--period", "2020 VB", "--deadline", "snart")
    assert bad.exit_code == 1 and "not a date-time" in bad.stderr
    with transaction(engine) as session:
        assert session.exec(select(Assignment)).first() is None


def test_an_unknown_form_id_is_refused(cli_env):
    _import_sample()
    result = run_cli("round", "open", "nope", "--period", "2026 VB",
                     "--deadline", "2027-02-15T17:00")
    assert result.exit_code == 1
    assert "unknown form id 'nope' (known: naringsliv, vb-malbedomning)" in result.stderr


def test_a_round_without_a_roster_is_refused(cli_env, engine):
    result = run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                     "--deadline", "2027-02-15T17:00")
    assert result.exit_code == 1 and "import a roster first" in result.stderr
    with transaction(engine) as session:
        assert session.exec(select(Round)).first() is None


def test_a_form_edited_after_opening_does_not_change_the_open_round(cli_env, engine, tmp_path,
                                                                   monkeypatch):
    _import_sample()
    form = (BUNDLED_FORMS_DIR / "naringsliv.yaml").read_text(encoding="utf-8")
    (tmp_path / "forms").mkdir()
    local = tmp_path / "forms" / "lokal.yaml"
    local.write_text(form.replace("id: naringsliv", "id: lokal"), encoding="utf-8")
    monkeypatch.setenv("FORMS_DIR", str(tmp_path / "forms"))
    assert run_cli("round", "open", "lokal", "--period", "2026 VB",
                   "--deadline", "2027-02-15T17:00").exit_code == 0
    local.write_text(form.replace("id: naringsliv", "id: lokal")
                     .replace("title: UPPFÖLJNINGSRAPPORT NÄRINGSLIV", "title: ÄNDRAD"),
                     encoding="utf-8")
    with transaction(engine) as session:
        from intake.rounds.opening import find_round, round_form
        assert round_form(session, find_round(session, "2026 VB")).title == \
            "UPPFÖLJNINGSRAPPORT NÄRINGSLIV"


def test_round_show_prints_the_ladder_as_json(cli_env):
    _import_sample()
    assert run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                   "--deadline", "2027-02-15T17:00", "--reminders", "-3,0,+1").exit_code == 0
    shown = run_cli("round", "show", "2026 VB", "--json").json()
    assert shown == {
        "period": "2026 VB",
        "deadline": "2027-02-15T17:00:00+01:00",
        "ladder": [
            {"step": -3, "at": "2027-02-10T09:00:00+01:00"},
            {"step": 0, "at": "2027-02-15T09:00:00+01:00"},
            {"step": 1, "at": "2027-02-16T09:00:00+01:00"},
        ],
    }
    unknown = run_cli("round", "show", "1999 VB")
    assert unknown.exit_code == 1 and "no round for period '1999 VB'" in unknown.stderr


def test_a_bad_reminder_ladder_is_refused(cli_env, engine):
    _import_sample()
    result = run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                     "--deadline", "2027-02-15T17:00", "--reminders", "-7,soon")
    assert result.exit_code == 1
    with transaction(engine) as session:
        assert session.exec(select(Round)).first() is None
