"""Approving: a submitted report becomes approved, logged with who; nothing else can be."""

from __future__ import annotations

from sqlmodel import select

from storage.db import transaction
from storage.models import ActionLog
from tests.support.dashboard import (
    ANNA,
    assignment,
    csrf_of,
    logged_in,
    open_round_with_answers,
    submit_whole_form,
)


def _approve(web, assignment_id):
    token = csrf_of(web.get(f"/committee/{assignment_id}").text)
    return web.post(f"/committee/{assignment_id}/approve", data={"csrf": token})


def test_a_submitted_report_is_approved_and_logged(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    page = _approve(web, assignment_id)
    assert "Rapporten är godkänd" in page.text
    approved = assignment(engine, assignment_id)
    assert approved.status == "approved" and approved.approved_at is not None
    assert approved.next_reminder_at is None
    with transaction(engine) as session:
        entry = session.exec(select(ActionLog).where(ActionLog.action == "approved")).one()
    assert entry.actor == ANNA and entry.assignment_id == assignment_id
    assert "Godkänd" in page.text and ANNA in page.text


def test_a_report_still_in_progress_cannot_be_approved(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    page = _approve(web, assignment_id)
    assert "only a submitted report can be approved" in page.text
    assert assignment(engine, assignment_id).status == "in_progress"
