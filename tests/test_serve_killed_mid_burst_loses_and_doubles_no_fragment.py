"""kill -9 of `intake serve` in the middle of a burst, then a restart: every fragment once."""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import transaction
from storage.models import Answer, AnswerRevision, Fragment, Inbox
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster
from tests.support.telegram import (
    KIM,
    expect,
    open_telegram_round,
    serving,
    start_token,
    telegram_env,
)
from tests.support.waiting import wait_until

BURST = [f"Del {n} av svaret, med åäö & <tecken> nummer {n}." for n in range(1, 41)]


def _fragments(engine) -> list[str]:
    with transaction(engine) as session:
        return list(session.exec(
            select(Fragment.text)
            .join(AnswerRevision, col(AnswerRevision.id) == col(Fragment.revision_id))
            .join(Answer, col(Answer.current_revision_id) == col(AnswerRevision.id))
            .order_by(col(Fragment.position))))


def test_serve_killed_mid_burst_loses_and_doubles_no_fragment(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, "Norrmalms stadsdelsnämnd")
    log = tmp_path / "serve.log"
    with FakeBotAPIThread() as tg:
        env = telegram_env(tg, cli_env)
        with serving(tg, env, log) as serve:
            tg.start_bot(KIM, token)
            expect(tg, KIM, "Fråga 1 av 9")
            sent = [tg.send_user_message(KIM, text) for text in BURST[:25]]
            tg.wait_until_confirmed(sent[5])  # stored: the burst is being handled ...
            serve.kill()  # ... and the process dies mid-way
        for text in BURST[25:]:  # the contact keeps writing while the bot is down
            tg.send_user_message(KIM, text)
        with serving(tg, env, log):
            wait_until(lambda: len(_fragments(engine)) >= len(BURST), 30, "every fragment")
            tg.send_user_message(KIM, "/status")
            expect_eventually(tg, "av 9 besvarade")
    assert _fragments(engine) == BURST
    with transaction(engine) as session:
        rows = list(session.exec(select(Inbox)))
        assert {row.status for row in rows} == {"processed"}
        assert len(rows) == len(BURST) + 2  # /start, the burst, /status: each stored once


def expect_eventually(tg: FakeBotAPIThread, fragment: str) -> None:
    """Some later bot message contains `fragment` (acks of the burst may come first)."""
    for _ in range(len(BURST) + 5):
        if fragment in tg.wait_for_bot_message(KIM, timeout=15)["text"]:
            return
    raise AssertionError(f"no bot message with {fragment!r}")
