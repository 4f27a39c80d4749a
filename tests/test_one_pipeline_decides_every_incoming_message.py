"""The decisions of the one pipeline, as plain functions: who may answer, which deputy, what a
closed round, automatic mail and a doubtful sender change; the inbox keeps a conversation's
order and what the adapter read; the outbox stores what it renders."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.mail.reading import exact_sender
from intake.conversation.deciding import decide_incoming
from intake.messaging.held import read_mail
from intake.messaging.inbox import process_pending, store_many
from intake.messaging.incoming import Incoming
from intake.messaging.outbox import enqueue, sent_text
from intake.messaging.tokens import find_token
from intake.people.deputies import pick_deputy, who_answers
from storage.db import transaction
from storage.models import Answer, Contact, Inbox, Outbox, Round, Token
from tests.support.helpers import assignment_of, live_data, load_roster, open_test_round

NORRMALM = "Norrmalms stadsdelsnämnd"
KIM, ALEX = "kim.exempelsson@example.se", "alex.testsson@example.se"


def _setup(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())


def _kims_token(session) -> tuple[Token, str]:
    """Kim's reply token and its text, as the invitation waiting in the outbox carries it."""
    assignment = assignment_of(session, NORRMALM)
    invitation = session.exec(select(Outbox).where(Outbox.assignment_id == assignment.id,
                                                   col(Outbox.contact_id).is_not(None))).first()
    text = live_data(invitation)["reply_token"]
    return find_token(session, text, "reply"), text


_numbers = iter(range(1, 10_000))


def _row(session, clock) -> Inbox:
    row = Inbox(channel="email", external_id=f"x{next(_numbers)}", raw=b"",
                received_at=clock())
    session.add(row)
    session.flush()
    return row


def _contact(session, address) -> Contact:
    return session.exec(select(Contact).where(Contact.email == address)).one()


def test_the_contact_and_a_deputy_may_answer_a_stranger_may_not(engine, clock):
    _setup(engine, clock)
    with transaction(engine) as session:
        token, _ = _kims_token(session)
        committee = _contact(session, KIM).committee_id
        assert who_answers(session, committee, token.contact_id, KIM).email == KIM
        assert who_answers(session, committee, token.contact_id, ALEX).email == ALEX
        assert who_answers(session, committee, token.contact_id, "robin.provstrom@example.se") \
            is None  # a contact, but of another committee
        assert who_answers(session, committee, token.contact_id, None) is None


def test_one_rule_picks_the_deputy_and_skips_one_who_is_away_or_unreachable(engine, clock):
    _setup(engine, clock)
    with transaction(engine) as session:
        kim, alex = _contact(session, KIM), _contact(session, ALEX)
        round_ = session.exec(select(Round)).one()
        assert pick_deputy(session, kim, round_, clock()) == alex
        alex.away_until = (clock() + timedelta(days=10)).date()
        assert pick_deputy(session, kim, round_, clock()) is None
        alex.away_until, alex.email_failing_at = None, clock()
        assert pick_deputy(session, kim, round_, clock()) is None


def test_a_forged_display_name_or_two_senders_are_not_the_contact():
    assert exact_sender(b'From: "kim@example.se" <attacker@evil.example>\r\n\r\nx') == (
        "attacker@evil.example", None)
    assert exact_sender(b"From: a@example.se\r\nFrom: b@example.se\r\n\r\nx")[0] is None
    assert exact_sender(b"From: a@example.se, b@example.se\r\n\r\nx")[0] is None
    assert exact_sender(b"Subject: none\r\n\r\nx") == (None, "0 From headers")
    assert exact_sender(b"From: Kim <KIM@Example.se>\r\n\r\nx") == ("kim@example.se", None)


def test_a_reply_to_a_closed_round_is_not_stored_and_the_sender_is_told(engine, clock):
    _setup(engine, clock)
    with transaction(engine) as session:
        session.exec(update(Round).values(closed_at=clock() - timedelta(minutes=1)))
    with transaction(engine) as session:
        _, text = _kims_token(session)
        row = _row(session, clock)
        decide_incoming(session, row, Incoming("email", KIM, envelope_token=text,
                                               text="Ett sent svar."), clock())
        assert (row.status, row.note) == ("rejected", "the round is closed")
        assert session.exec(select(Answer)).all() == []
        told = session.exec(select(Outbox).where(Outbox.template == "round_closed")).one()
        assert told.recipient == KIM and "stängd" in (told.subject or "")


def test_an_auto_reply_changes_a_contact_only_on_that_contacts_own_token(engine, clock):
    _setup(engine, clock)
    back = date(2026, 12, 1)
    with transaction(engine) as session:
        _, text = _kims_token(session)
        for incoming in (  # a thread reference only; a forged From on postmaster@
                Incoming("email", KIM, thread_tokens=(text,), automatic="auto_reply",
                         away_until=back),
                Incoming("email", KIM, automatic="auto_reply", away_until=back)):
            row = _row(session, clock)
            decide_incoming(session, row, incoming, clock())
            assert row.status == "auto_reply"
            assert _contact(session, KIM).away_until is None
        row = _row(session, clock)
        decide_incoming(session, row, Incoming("email", None, envelope_token=text,
                                               automatic="auto_reply", away_until=back),
                        clock())
        assert _contact(session, KIM).away_until == back


def test_a_reply_with_an_unclear_sender_is_held_with_the_reason(engine, clock):
    _setup(engine, clock)
    with transaction(engine) as session:
        row = _row(session, clock)
        decide_incoming(session, row, Incoming(
            "email", None, sender_problem="2 From headers",
            envelope_token=_kims_token(session)[1], text="Svar"), clock())
        assert (row.status, row.note) == ("held", "sender unclear: 2 From headers")
        assert read_mail(row).body == ""  # shown from what the adapter read, not re-parsed


def test_one_conversations_rows_go_in_order_a_failing_row_holds_back_only_its_own(engine,
                                                                                  clock):
    store_many(engine, [{"channel": "email", "external_id": str(n), "raw": b"",
                         "conversation": f"mail:{who}"}
                        for n, who in enumerate(["kim", "alex", "kim", "alex"])], clock())
    handled = []

    def processor(session, row, now):
        if row.external_id == "0":
            raise RuntimeError("choked")
        handled.append(row.external_id)

    assert process_pending(engine, {"email": processor}, clock) == 2
    assert handled == ["1", "3"]  # Kim's second waits for Kim's first


def test_what_is_sent_is_rendered_once_at_enqueue_and_read_back_as_our_quote(engine, clock):
    _setup(engine, clock)
    with transaction(engine) as session:
        assignment = assignment_of(session, NORRMALM)
        invitation = session.exec(select(Outbox).where(
            Outbox.assignment_id == assignment.id)).one()
        assert "Hej Kim" in (invitation.body_text or "")  # no Telegram link to wait for
        row = enqueue(session, channel="email", contact=_contact(session, KIM), kind="notice",
                      template="help", data={"committee": NORRMALM, "period": "2026 T3",
                                             "form_title": "F", "deadline": None},
                      now=clock(), assignment=assignment)
        assert row.subject and row.body_text and row.body_html
        assert sent_text(session, row.reply_token_hash) == row.body_text
        assert row.data["reply_token"] == "[token]"  # sealed: the stored copy holds none


def test_postmaster_only_of_our_domain_and_at_most_twenty_recipients(engine, clock):
    import asyncio

    from aiosmtpd.smtp import Envelope, Session

    from bot.mail.inbound import InboundHandler

    _setup(engine, clock)
    with transaction(engine) as session:
        token = _kims_token(session)[1]
    handler = InboundHandler(engine, clock, "svar.example.se")
    assert handler._accepts("postmaster@svar.example.se")
    assert not handler._accepts("postmaster@example.se")
    envelope, smtp_session = Envelope(), Session(asyncio.new_event_loop())
    envelope.mail_from = KIM

    async def rcpt(address):
        return await handler.handle_RCPT(None, smtp_session, envelope, address, [])

    codes = [asyncio.run(rcpt(f"svar+{token}@svar.example.se"))[:3] for _ in range(21)]
    assert codes == ["250"] * 20 + ["452"]
