"""Blocking the bot marks Telegram unreachable; an undeliverable message goes by e-mail."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from bot.telegram.ratelimit import SendLimiter
from bot.telegram.transport import TelegramTransport, on_undeliverable
from intake.messaging.outbox import deliver_due
from intake.rounds.opening import working_channel
from storage.db import transaction
from storage.models import Contact, Outbox
from tests.support.fake_telegram import FakeBotAPI
from tests.support.helpers import load_roster, send
from tests.support.telegram import open_telegram_round, start_token
from tests.support.telegram_chat import Chat

KIM = 6001


def _kim(engine) -> Contact:
    with transaction(engine) as session:
        kim = session.exec(select(Contact).where(Contact.telegram_user_id == KIM)).one()
        session.expunge(kim)
        return kim


def test_a_kicked_update_marks_the_chat_unreachable_and_a_message_back_restores_it(engine,
                                                                                    clock):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    chat = Chat(engine, clock, KIM)
    chat.message(f"/start {start_token(engine, 'Norrmalms stadsdelsnämnd')}")
    chat.block()
    assert _kim(engine).telegram_blocked_at is not None
    assert working_channel(_kim(engine)) == "email"
    chat.block(False)
    assert working_channel(_kim(engine)) == "telegram"


def test_a_forbidden_send_is_re_sent_by_email(engine, clock):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    Chat(engine, clock, KIM).message(f"/start {start_token(engine, 'Norrmalms stadsdelsnämnd')}")

    async def body() -> None:
        async with FakeBotAPI() as tg:
            tg.add_user(KIM, "Kim")  # known to Telegram, but the bot may not write first
            bot = tg.make_bot()
            transport = TelegramTransport(bot, SendLimiter(0, 0))
            await deliver_due(engine, {"telegram": transport, "email": _accept}, clock, "test",
                              on_undeliverable=on_undeliverable)
            await bot.session.close()

    asyncio.run(body())
    assert _kim(engine).telegram_blocked_at is not None
    with transaction(engine) as session:
        rows = list(session.exec(select(Outbox).where(Outbox.contact_id == _kim(engine).id)
                                 .order_by(col(Outbox.id))))
        by_channel = [(r.channel, r.template, r.status) for r in rows]
    assert ("telegram", "question", "failed") in by_channel
    assert ("email", "question", "pending") in by_channel
    # What follows goes by e-mail too.
    send(engine, clock(), "Norrmalms stadsdelsnämnd", "status", channel="email")


async def _accept(delivery) -> str:  # noqa: ANN001 - a stand-in for the mail transport
    return "mail-1"
