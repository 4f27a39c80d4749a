"""Telegram's 429 Too Many Requests: the sender waits retry_after, loses and reorders nothing."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.telegram.ratelimit import SendLimiter
from bot.telegram.transport import TelegramTransport
from intake.messaging.outbox import deliver_due, enqueue
from storage.db import transaction
from storage.models import Contact, Outbox
from tests.support.fake_telegram import FakeBotAPI
from tests.support.helpers import load_roster

KIM = 8001


def test_a_429_storm_delays_sending_but_keeps_order(engine, clock):
    load_roster(engine, clock())
    with transaction(engine) as session:
        kim = session.exec(select(Contact).where(
            Contact.email == "kim.exempelsson@example.se")).one()
        kim.telegram_user_id = kim.telegram_chat_id = KIM
        for number in range(1, 6):
            enqueue(session, channel="telegram", contact=kim, kind="notice",
                    template="fragment_saved", data={"number": number, "length": number,
                                                     "fragments": 1}, now=clock())

    async def body() -> list[str]:
        async with FakeBotAPI() as tg:
            tg.send_user_message(KIM, "hej")
            tg.inject_rate_limit(4, retry_after=1)
            bot = tg.make_bot()
            sent = await deliver_due(engine, {"telegram": TelegramTransport(
                bot, SendLimiter(0, 0))}, clock, "test")
            await bot.session.close()
            assert sent == 5
            assert [r.status for r in tg.requests("sendMessage")].count(429) == 4
            return [m["text"] for m in tg.bot_messages(KIM)]

    texts = asyncio.run(body())
    assert [t.split()[3] for t in texts] == ["1", "2", "3", "4", "5"]
    with transaction(engine) as session:
        assert {r.status for r in session.exec(select(Outbox))} == {"sent"}
