"""An answer the mail reader was unsure of shows its flag and reason to the coordinator.

On the committee page and in `intake export` (`flagged`, `flag_reason`: contract, second wave).
"""

from __future__ import annotations

from sqlmodel import select

from storage.db import transaction
from storage.models import Answer
from tests.support.dashboard import DISTRICT, logged_in, open_round_with_answers
from tests.support.helpers import run_cli, send

REASON = "mail: no quote found, but the body looks like a thread (header-like lines)"


def _flag_the_first_answer(engine) -> None:
    with transaction(engine) as session:
        answer = session.exec(select(Answer).order_by(Answer.id)).first()
        assert answer is not None
        answer.flagged, answer.flag_reason = True, REASON
        session.add(answer)


def test_the_committee_page_shows_the_flag_and_its_reason(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    assert "läsaren var osäker" not in web.get(f"/committee/{assignment_id}").text
    _flag_the_first_answer(engine)
    page = web.get(f"/committee/{assignment_id}").text
    assert page.count("läsaren var osäker") == 1
    assert "body looks like a thread (header-like lines)" in page


def test_the_export_carries_flagged_and_flag_reason(cli_env, engine, clock):
    open_round_with_answers(engine, clock)
    send(engine, clock(), DISTRICT, "text", text="Ett svar till.")
    _flag_the_first_answer(engine)
    rows = run_cli("export", "--period", "2026 T3", "--format", "json").json()
    assert [(r["flagged"], r["flag_reason"]) for r in rows[:2]] == [(True, REASON),
                                                                   (False, None)]
    as_csv = run_cli("export", "--period", "2026 T3", "--format", "csv").stdout
    assert as_csv.splitlines()[0].endswith(",flagged,flag_reason")
