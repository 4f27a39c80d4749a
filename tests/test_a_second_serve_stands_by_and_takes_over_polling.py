"""Two `intake serve` on one PostgreSQL database and one bot token: one polls, one stands by.

The fake Bot API answers 409 to a long poll that a second poller cuts off, as Telegram
does, so a fight between the two shows up in its request log. After a kill -9 of the
poller the other serve takes over and the contact's answers keep flowing.
"""

from __future__ import annotations

import signal
import time

import pytest
from fake_telegram import FakeBotAPIThread
from telegram_cluster import fragments, logs_of, serve_envs, serves, telegram_role
from telegram_serve import KIM, expect, open_telegram_round, start_token, wait_until

from tests.conftest import BACKEND
from tests.helpers import load_roster

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="the poller lock is PostgreSQL's; SQLite runs one serve")


def _conflicts(tg: FakeBotAPIThread) -> list:
    return [r for r in tg.requests("getUpdates") if r.status == 409]


def test_a_second_serve_stands_by_and_takes_over_polling(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, "Norrmalms stadsdelsnämnd")
    with FakeBotAPIThread() as tg:
        envs = serve_envs(tg, cli_env, 2, TELEGRAM_POLLER_RETRY_SECONDS="0.3")
        with serves(envs, tmp_path) as processes:
            wait_until(lambda: sorted(telegram_role(e) for e in envs) == ["polling", "standby"],
                       15, "one poller and one standby")
            time.sleep(1.5)  # several retries of the standby: it must still leave polling alone
            assert sorted(telegram_role(e) for e in envs) == ["polling", "standby"]
            assert _conflicts(tg) == [], logs_of(tmp_path)

            tg.start_bot(KIM, token)
            expect(tg, KIM, "Fråga 1 av 9")
            tg.send_user_message(KIM, "Före bytet: vi träffar företagarna varje månad.")
            expect(tg, KIM, "Sparat till fråga 1")
            assert _conflicts(tg) == [], logs_of(tmp_path)

            poller = 0 if telegram_role(envs[0]) == "polling" else 1
            other = envs[1 - poller]
            processes[poller].send_signal(signal.SIGKILL)
            processes[poller].wait()
            wait_until(lambda: telegram_role(other) == "polling", 15, "the standby takes over")

            tg.send_user_message(KIM, "Efter bytet: och ett nätverk för handlarna.")
            expect(tg, KIM, "Sparat till fråga 1", "2 meddelanden")
        assert "Traceback" not in logs_of(tmp_path)
    assert fragments(engine) == ["Före bytet: vi träffar företagarna varje månad.",
                                 "Efter bytet: och ett nätverk för handlarna."]
