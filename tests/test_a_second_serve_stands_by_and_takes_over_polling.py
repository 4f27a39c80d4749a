"""Two `intake serve` on one PostgreSQL database and one bot token: one polls, one stands by.

The fake Bot API answers 409 to a long poll that a second poller cuts off, as Telegram
does, so a fight between the two shows up in its request log. After a kill -9 of the
poller the other serve takes over and the contact's answers keep flowing.
"""

from __future__ import annotations

import pytest

from tests.conftest import BACKEND
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster
from tests.support.serve import Serve, logs_of
from tests.support.telegram import (
    KIM,
    expect,
    fragments,
    open_telegram_round,
    serves,
    start_token,
    telegram_env,
)
from tests.support.waiting import holds_for, wait_until

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="the poller lock is PostgreSQL's; SQLite runs one serve")


def _roles(serves: list[Serve]) -> list[str]:
    return sorted(s.telegram_role() for s in serves)


def _conflicts(tg: FakeBotAPIThread) -> list:
    return [r for r in tg.requests("getUpdates") if r.status == 409]


def test_a_second_serve_stands_by_and_takes_over_polling(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, "Norrmalms stadsdelsnämnd")
    with FakeBotAPIThread() as tg:
        envs = [telegram_env(tg, cli_env, TELEGRAM_POLLER_RETRY_SECONDS="0.3")
                for _ in range(2)]
        with serves(envs, tmp_path) as both:
            wait_until(lambda: _roles(both) == ["polling", "standby"], 15,
                       "one poller and one standby")
            # Several retries of the standby (every 0.3 s): it must still leave polling alone.
            holds_for(lambda: _roles(both) == ["polling", "standby"] and _conflicts(tg) == [],
                      1.5, "one poller, one standby, no conflict", interval=0.25)
            assert _roles(both) == ["polling", "standby"]
            assert _conflicts(tg) == [], logs_of(tmp_path)

            tg.start_bot(KIM, token)
            expect(tg, KIM, "Fråga 1 av 9")
            tg.send_user_message(KIM, "Före bytet: vi träffar företagarna varje månad.")
            expect(tg, KIM, "Sparat till fråga 1")
            assert _conflicts(tg) == [], logs_of(tmp_path)

            poller = 0 if both[0].telegram_role() == "polling" else 1
            other = both[1 - poller]
            both[poller].kill()
            wait_until(lambda: other.telegram_role() == "polling", 15, "the standby takes over")

            tg.send_user_message(KIM, "Efter bytet: och ett nätverk för handlarna.")
            expect(tg, KIM, "Sparat till fråga 1", "2 meddelanden")
        assert "Traceback" not in logs_of(tmp_path)
    assert fragments(engine) == ["Före bytet: vi träffar företagarna varje månad.",
                                 "Efter bytet: och ett nätverk för handlarna."]
