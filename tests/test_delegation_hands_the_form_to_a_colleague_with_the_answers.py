"""/delegate: the colleague gets an invitation that keeps the answers; the first loses access."""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import transaction
from storage.models import ActionLog, Assignment, Contact, Outbox
from tests.support.helpers import live_data, load_roster
from tests.support.telegram import open_telegram_round, start_token
from tests.support.telegram_chat import Chat, templates_sent

KIM = 7001


def test_delegation_hands_the_form_to_a_colleague_with_the_answers(engine, clock):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    kim = Chat(engine, clock, KIM)
    kim.message(f"/start {start_token(engine, 'Norrmalms stadsdelsnämnd')}")
    kim.message("Svar ett från Kim.")
    kim.message("/next")
    kim.message("/delegate nils.kollega@example.se")
    assert templates_sent(engine, KIM)[-1] == "delegated"

    with transaction(engine) as session:
        nils = session.exec(select(Contact).where(
            Contact.email == "nils.kollega@example.se")).one()
        assignment = session.exec(select(Assignment).where(
            Assignment.contact_id == nils.id)).one()
        invitation = session.exec(select(Outbox).where(Outbox.contact_id == nils.id)
                                  .order_by(col(Outbox.id))).one()
        assert (invitation.channel, invitation.template) == ("email", "question")
        assert invitation.data["number"] == 2  # question 1 is kept and not asked again
        assert live_data(invitation)["telegram_start_token"]
        log = session.exec(select(ActionLog).where(ActionLog.action == "delegated")).one()
        assert log.assignment_id == assignment.id

    kim.message("Ett svar till som inte ska sparas.")
    assert templates_sent(engine, KIM)[-1] == "no_open_round"
