"""Webhook mode end to end: the fake Bot API POSTs updates to `intake serve`'s web server.

`serve` sets the webhook with its secret at start and never polls. Each update is in the
inbox by the time Telegram gets its 200; the answers come back through the outbox. A POST
with a forged or missing secret gets 403 and stores nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request

from sqlmodel import select

from storage.db import transaction
from storage.models import Inbox
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster
from tests.support.serve import SERVE, logs_of
from tests.support.telegram import (
    KIM,
    expect,
    fragments,
    open_telegram_round,
    serves,
    start_token,
    telegram_env,
)

SECRET = "Hemligt_webhook-token_2026"
ANSWERS = ["Vi har startat ett företagsråd i Vasastan.",
           "Rådet träffas fyra gånger om året & <protokollförs>."]


def _post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _stored(engine, update_id: int) -> bool:
    with transaction(engine) as session:
        return session.exec(select(Inbox).where(Inbox.channel == "telegram",
                                                Inbox.external_id == str(update_id))).first() \
            is not None


def test_webhook_stores_each_update_before_answering(cli_env, engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    token = start_token(engine, "Norrmalms stadsdelsnämnd")
    with FakeBotAPIThread() as tg:
        env = telegram_env(tg, cli_env, TELEGRAM_WEBHOOK_SECRET=SECRET)
        url = f"http://127.0.0.1:{env['WEB_PORT']}/telegram/webhook"
        env["TELEGRAM_WEBHOOK_URL"] = url
        with serves([env], tmp_path) as (serve,):
            assert serve.telegram_role() == "webhook"
            hook = tg.requests("setWebhook")[-1].params
            assert (hook["url"], hook["secret_token"]) == (url, SECRET)

            start = tg.start_bot(KIM, token)
            tg.wait_until_confirmed(start)  # Telegram got its 200 ...
            assert _stored(engine, start)  # ... so the update was already committed
            expect(tg, KIM, "Fråga 1 av 9")
            for count, text in enumerate(ANSWERS, 1):
                sent = tg.send_user_message(KIM, text)
                tg.wait_until_confirmed(sent)
                assert _stored(engine, sent)
                ack = expect(tg, KIM, "Sparat till fråga 1",
                             *([f"{count} meddelanden"] if count > 1 else []))
            press = tg.press_button_by_text(KIM, ack["message_id"], "Nästa ▶")
            expect(tg, KIM, "Fråga 2 av 9")
            # The webhook's reply itself answers the button press (no spinner left).
            assert tg.wait_for_callback_answer(press, timeout=10) is not None

            with transaction(engine) as session:
                before = len(session.exec(select(Inbox)).all())
            forged = {"update_id": 1, "message": {
                "message_id": 99, "date": 1_790_000_000, "text": "Smugglat svar",
                "chat": {"id": KIM, "type": "private", "first_name": "Kim"},
                "from": {"id": KIM, "is_bot": False, "first_name": "Kim"}}}
            assert _post(url, forged, "fel-hemlighet") == 403
            assert _post(url, forged, None) == 403
            assert _post(url, forged, SECRET + "x") == 403
            with transaction(engine) as session:
                assert len(session.exec(select(Inbox)).all()) == before
        assert not tg.requests("getUpdates")  # webhook mode never polls
        assert "Traceback" not in logs_of(tmp_path)
    assert fragments(engine) == ANSWERS



def test_a_webhook_without_a_secret_is_refused_at_start(cli_env, tmp_path):
    env = dict(os.environ) | cli_env | {
        "TELEGRAM_BOT_TOKEN": "4242424242:AAFakeTokenForIntakeTests_0123456789",
        "TELEGRAM_WEBHOOK_URL": "https://intake.example.se/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": ""}
    done = subprocess.run(SERVE, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == \
        "TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL"
