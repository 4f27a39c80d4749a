"""`intake serve` against the fake Bot API: a coordinator links Telegram from the dashboard's
Telegram page, gets a push when a committee submits, and reads /overview in the chat."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx2

from tests.support.dashboard import DISTRICT, csrf_of
from tests.support.fake_telegram import FakeBotAPIThread
from tests.support.helpers import load_roster, run_cli, send
from tests.support.telegram import expect, open_telegram_round, serving, telegram_env

ANNA_TG = 525_001  # a fictional coordinator's Telegram user


def _submit_by_mail(engine) -> None:
    now = datetime.now(UTC)
    send(engine, now, DISTRICT, "start", channel="email")
    for number in range(1, 10):
        send(engine, now, DISTRICT, "text", channel="email", text=f"Svar {number}.")
        send(engine, now, DISTRICT, "next", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")
    send(engine, now, DISTRICT, "submit", channel="email")


def test_a_coordinator_links_telegram_and_is_told_of_a_submit(cli_env, engine, clock,
                                                              tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    login_link = run_cli("coordinator", "add", "anna.samordnare@example.se").stdout.strip()
    with FakeBotAPIThread() as tg:
        env = telegram_env(tg, cli_env)
        base = f"http://127.0.0.1:{env['WEB_PORT']}"
        with serving(tg, env, tmp_path / "serve.log"), httpx2.Client(base_url=base) as web:
            assert web.get(f"/login/{login_link.rsplit('/', 1)[1]}").status_code in (200, 303)
            page = web.get("/telegram").text
            assert f"@{tg.username}" in page
            linked = web.post("/telegram/link", data={"csrf": csrf_of(page)}).text
            link = re.search(r'href="(https://t\.me/[^"]+)"', linked)
            assert link and link.group(1).startswith(f"https://t.me/{tg.username}?start=")

            tg.open_deep_link(ANNA_TG, link.group(1), first_name="Anna")
            expect(tg, ANNA_TG, "Telegram är nu kopplat till anna.samordnare@example.se")

            _submit_by_mail(engine)
            push = expect(tg, ANNA_TG, DISTRICT, "har skickat in sin rapport för 2026 T3")
            assert "Inskickade: 1 av" in push["text"]

            tg.send_user_message(ANNA_TG, "/overview")
            overview = expect(tg, ANNA_TG, "Översikt 2026 T3", "Inskickad: 1",
                              f"{DISTRICT}: 9/9 · Inskickad")
            assert "Besvarade frågor: 9/" in overview["text"]
