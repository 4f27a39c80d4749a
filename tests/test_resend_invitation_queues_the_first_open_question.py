"""Resending the invitation queues it again (no dedupe), on the contact's channel, logged."""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import transaction
from storage.models import ActionLog, Outbox
from tests.support.dashboard import csrf_of, district_id, logged_in
from tests.support.helpers import load_roster, open_test_round


def test_resend_queues_question_one_again(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    assignment_id = district_id(engine)
    web = logged_in(engine, clock)
    for _ in range(2):
        token = csrf_of(web.get(f"/committee/{assignment_id}").text)
        page = web.post(f"/committee/{assignment_id}/resend", data={"csrf": token})
        assert "Inbjudan skickas igen" in page.text
    with transaction(engine) as session:
        mails = list(session.exec(select(Outbox).where(
            Outbox.assignment_id == assignment_id).order_by(col(Outbox.id))))
        logged = session.exec(select(ActionLog).where(
            ActionLog.action == "invitation_resent")).all()
    assert [m.question_number for m in mails] == [1, 1, 1]
    assert all(m.channel == "email" and m.data["invitation"] for m in mails)
    assert len(logged) == 2
