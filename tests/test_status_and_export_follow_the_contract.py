"""`intake status --json` and `intake export`: the contract's keys, answers verbatim."""

from __future__ import annotations

import csv
import io

from tests.support.helpers import load_roster, open_test_round, run_cli, send

ANSWER = "Vi samverkar med ”Växla upp Stockholm”.\n\n- punkt ett\n- punkt två & <tre>"


def test_status_and_export_show_answers_as_written(cli_env, engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock(), period="2026 T3")
    send(engine, clock(), "Norrmalms stadsdelsnämnd", "start")
    send(engine, clock(), "Norrmalms stadsdelsnämnd", "text", text=ANSWER)
    send(engine, clock(), "Norrmalms stadsdelsnämnd", "back")
    send(engine, clock(), "Norrmalms stadsdelsnämnd", "text", text=ANSWER + " Rättat.")

    status = run_cli("status", "--period", "2026 T3", "--json").json()
    norrmalm = next(a for a in status["assignments"] if a["committee"].startswith("Norrmalm"))
    assert norrmalm["status"] == "in_progress"
    assert (norrmalm["answered"], norrmalm["total"]) == (1, 9)
    assert norrmalm["channel"] == "telegram"
    assert norrmalm["contact"] == "kim.exempelsson@example.se"
    assert norrmalm["last_activity"].startswith("2026-11-02T10:00:00")
    assert [a["kind"] for a in status["assignments"]] == ["district", "specialist", "company"]

    exported = run_cli("export", "--period", "2026 T3", "--format", "json").json()
    assert exported == [{
        "committee": "Norrmalms stadsdelsnämnd",
        "question_id": "lokal-samverkan",
        "question": "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens "
                    "geografiska område.",
        "answer": ANSWER + " Rättat.",
        "value": None,
        "channel": "telegram",
        "answered_at": exported[0]["answered_at"],
        "revisions": 2,
        "flagged": False,
        "flag_reason": None,
    }]
    as_csv = run_cli("export", "--period", "2026 T3", "--format", "csv",
                     "--committee", "Norrmalms stadsdelsnämnd").stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert rows[0]["answer"] == ANSWER + " Rättat."


def test_status_table_is_readable(cli_env, engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock(), period="2026 T3")
    table = run_cli("status").stdout
    assert "Norrmalms stadsdelsnämnd" in table and "0/9" in table and "0 of 3 submitted" in table


def test_export_refuses_unknown_periods_committees_and_formats(cli_env, engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock(), period="2026 T3")
    assert "no round for period" in run_cli("export", "--period", "1999").stderr
    result = run_cli("export", "--period", "2026 T3", "--committee", "Ingen nämnd")
    assert result.exit_code == 1 and "'Ingen nämnd' has no assignment" in result.stderr
    assert run_cli("export", "--period", "2026 T3", "--format", "xml").exit_code == 1
    assert run_cli("status").exit_code == 0


def test_status_without_any_round_is_one_clear_line(cli_env):
    result = run_cli("status", "--json")
    assert result.exit_code == 1
    assert result.stderr.strip() == \
        "error: no round has been opened yet (intake round open FORM_ID ...)"
