"""A forwarded invitation is not a key: the Telegram deep link works for the first account only
(a second account is refused and the contact told by mail); /delegate tells the contact and the
coordinators, adds no standing deputy, and the earlier contact's reply addresses stop working."""

from __future__ import annotations

import threading
from email.message import EmailMessage

from sqlmodel import col, select

from bot.mail.processing import process_mail
from intake.messaging.inbox import process_pending, reply_token_is_live, store_inbound
from intake.people.contacts import link_telegram
from intake.rounds.manage import change_contact
from storage.db import transaction
from storage.models import AnswerRevision, Contact, Coordinator, Inbox, Outbox
from tests.support.helpers import assignment_of, live_data, load_roster
from tests.support.mailkit import as_wire
from tests.support.telegram import open_telegram_round, start_token
from tests.support.telegram_chat import Chat, templates_sent

NORRMALM = "Norrmalms stadsdelsnämnd"
KIM_ADDRESS = "kim.exempelsson@example.se"
KIM, STRANGER, OTHER = 7001, 7666, 7667


def _round(engine, clock) -> str:
    load_roster(engine, clock())
    with transaction(engine) as session:
        session.add(Coordinator(email="samordnare@example.se", created_at=clock()))
    open_telegram_round(engine, clock())
    return start_token(engine, NORRMALM)


def _mails_to(engine, address: str, template: str) -> list[Outbox]:
    with transaction(engine) as session:
        return list(session.exec(select(Outbox).where(
            Outbox.recipient == address, Outbox.template == template, Outbox.channel == "email")))


def _linked_user(engine) -> int | None:
    with transaction(engine) as session:
        return session.exec(select(Contact).where(Contact.email == KIM_ADDRESS)).one() \
            .telegram_user_id


def test_the_deep_link_works_for_the_first_account_only(engine, clock):
    token = _round(engine, clock)
    kim = Chat(engine, clock, KIM)
    kim.message(f"/start {token}")
    assert _linked_user(engine) == KIM

    stranger = Chat(engine, clock, STRANGER, first_name="Mallory")
    stranger.message(f"/start {token}")
    assert templates_sent(engine, STRANGER) == ["link_invalid"]
    stranger.message("Ett svar som inte ska sparas.")
    assert _linked_user(engine) == KIM
    warned = _mails_to(engine, KIM_ADDRESS, "telegram_link_refused")
    assert len(warned) == 1 and warned[0].kind == "notice"
    assert "reply_token" not in warned[0].data  # a warning is not a way in either
    stranger.message(f"/start {token}")  # trying again tells the contact nothing new
    assert len(_mails_to(engine, KIM_ADDRESS, "telegram_link_refused")) == 1

    before = len(templates_sent(engine, KIM))
    kim.message(f"/start {token}")  # the first account may use its link again
    assert len(templates_sent(engine, KIM)) > before and "link_invalid" not in \
        templates_sent(engine, KIM)
    with transaction(engine) as session:
        assert not list(session.exec(select(AnswerRevision)))


def test_two_accounts_at_the_same_moment_link_exactly_one(engine, clock):
    token = _round(engine, clock)
    barrier, results = threading.Barrier(2), {}

    def use(user: int) -> None:
        barrier.wait()
        with transaction(engine) as session:
            results[user] = link_telegram(session, token, user, user, clock()) is not None

    threads = [threading.Thread(target=use, args=(user,)) for user in (STRANGER, OTHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results.values()) == [False, True]
    winner = next(user for user, ok in results.items() if ok)
    assert _linked_user(engine) == winner
    assert len(_mails_to(engine, KIM_ADDRESS, "telegram_link_refused")) == 1


def _kims_reply_token(engine) -> str:
    with transaction(engine) as session:
        row = session.exec(select(Outbox).where(
            Outbox.recipient == KIM_ADDRESS, Outbox.template == "question")
            .order_by(col(Outbox.id))).first()
        return live_data(row)["reply_token"]


def _reply_by_mail(engine, clock, token: str, text: str) -> Inbox:
    mail = EmailMessage()
    mail["From"] = f"Kim Exempelsson <{KIM_ADDRESS}>"
    mail["To"] = f"svar+{token}@localhost"
    mail["Subject"] = "SV: Uppföljningsrapport"
    mail["Message-ID"] = f"<late-{token[:6]}@mail.example.se>"
    mail.set_content(text)
    store_inbound(engine, channel="email", external_id=mail["Message-ID"], raw=as_wire(mail),
                  now=clock(), sender=KIM_ADDRESS, envelope_from=KIM_ADDRESS,
                  envelope_to=f"svar+{token}@localhost")
    assert process_pending(engine, {"email": process_mail}, clock) == 1
    with transaction(engine) as session:
        return session.exec(select(Inbox).order_by(col(Inbox.id).desc())).first()


def test_delegate_tells_the_contact_and_coordinators_and_adds_no_deputy(engine, clock):
    token = _round(engine, clock)
    old_reply = _kims_reply_token(engine)
    assert reply_token_is_live(engine, old_reply, clock())
    kim = Chat(engine, clock, KIM)
    kim.message(f"/start {token}")
    kim.message("/delegate nils.kollega@example.se")
    assert templates_sent(engine, KIM)[-1] == "delegated"

    told = _mails_to(engine, KIM_ADDRESS, "delegated_from_chat")
    assert len(told) == 1 and told[0].data["colleague"] == "nils.kollega@example.se"
    coordinators = _mails_to(engine, "samordnare@example.se", "coordinator_delegated")
    assert len(coordinators) == 1 and coordinators[0].data["contact_email"] == KIM_ADDRESS
    with transaction(engine) as session:
        nils = session.exec(select(Contact).where(
            Contact.email == "nils.kollega@example.se")).one()
    assert nils.role == "delegate"  # answers this round; not a standing deputy

    # Kim's earlier reply addresses stop working: refused at RCPT, and held if they arrive.
    clock.advance(minutes=1)
    assert not reply_token_is_live(engine, old_reply, clock())
    late = _reply_by_mail(engine, clock, old_reply, "Ett sent svar från Kim.")
    assert late.status == "held"
    with transaction(engine) as session:
        assert not list(session.exec(select(AnswerRevision)))


def test_a_coordinators_hand_over_ends_the_earlier_reply_tokens_too(engine, clock):
    _round(engine, clock)
    old_reply = _kims_reply_token(engine)
    with transaction(engine) as session:
        assignment = assignment_of(session, NORRMALM)
        alex = session.exec(select(Contact).where(
            Contact.email == "alex.testsson@example.se")).one()
        change_contact(session, assignment.id, "samordnare@example.se", clock(),
                       contact_id=alex.id)
    clock.advance(seconds=1)
    assert not reply_token_is_live(engine, old_reply, clock())
