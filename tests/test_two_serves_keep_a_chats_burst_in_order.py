"""Two `intake serve` processing one inbox: a chat's burst is handled one update at a time.

Both servers process Telegram rows from the shared PostgreSQL inbox (only one polls). A
contact sends forty messages without waiting; every one becomes a fragment of the open
answer, in the order sent, none twice, and every inbox row ends processed.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select

from storage.db import transaction
from storage.models import Fragment, Inbox
from tests.conftest import BACKEND
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster
from tests.support.serve import logs_of
from tests.support.telegram import (
    KIM,
    expect,
    fragments,
    open_telegram_round,
    serves,
    start_token,
    telegram_env,
)
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="several serve processes need PostgreSQL")

BURST = [f"Stycke {n}: åtgärd {n} för handeln på Drottninggatan & <Hötorget>." for n in
         range(1, 41)]


def test_two_serves_keep_a_chats_burst_in_order(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, "Norrmalms stadsdelsnämnd")
    with FakeBotAPIThread() as tg:
        # The standby looks at the inbox every second, so it meets the burst mid-way.
        envs = [telegram_env(tg, cli_env) for _ in range(2)]
        with serves(envs, tmp_path) as both:
            wait_until(lambda: sorted(s.telegram_role() for s in both) == ["polling", "standby"],
                       15, "one poller and one standby")
            tg.start_bot(KIM, token)
            expect(tg, KIM, "Fråga 1 av 9")
            for text in BURST:
                tg.send_user_message(KIM, text)
            wait_until(lambda: len(fragments(engine)) >= len(BURST), 60, "every fragment")
            wait_until(lambda: _all_processed(engine), 30, "every update processed")
        assert "Traceback" not in logs_of(tmp_path)
    assert fragments(engine) == BURST
    with transaction(engine) as session:
        sources = list(session.exec(select(Fragment.inbox_id)))
        assert Counter(sources).most_common(1)[0][1] == 1  # one fragment per update


def _all_processed(engine) -> bool:
    with transaction(engine) as session:
        return {row.status for row in session.exec(select(Inbox))} == {"processed"}
