"""FakeBotAPIThread serves a bot running as a separate process, as `intake serve` will."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.fake_telegram import FakeBotAPIThread

KIM = 1001

# A stand-alone aiogram bot configured only through the environment, like `intake serve`.
ECHO_BOT = textwrap.dedent(
    """
    import asyncio, os
    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    async def main():
        api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
        bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=AiohttpSession(api=api))
        dispatcher = Dispatcher()

        @dispatcher.message(F.text)
        async def echo(message):
            await message.answer("eko: " + message.text)

        await dispatcher.start_polling(bot)

    asyncio.run(main())
    """
)


def start_bot(tg: FakeBotAPIThread, script: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, **tg.env()}
    with log.open("ab") as output:
        return subprocess.Popen([sys.executable, str(script)], env=env, stderr=output)


def test_a_bot_subprocess_answers_and_after_kill_9_gets_what_came_meanwhile(
    tmp_path: Path,
) -> None:
    script, log = tmp_path / "echo_bot.py", tmp_path / "bot.log"
    script.write_text(ECHO_BOT)
    with FakeBotAPIThread() as tg:
        bot = start_bot(tg, script, log)
        try:
            tg.send_user_message(KIM, "hej", first_name="Kim")
            assert tg.wait_for_bot_message(KIM, timeout=30)["text"] == "eko: hej"
            bot.send_signal(signal.SIGKILL)
            bot.wait(10)
            # Telegram keeps what the dead bot never confirmed; a restart picks it up.
            update_id = tg.send_user_message(KIM, "medan du låg nere")
            assert update_id in tg.pending_update_ids()
            bot = start_bot(tg, script, log)
            assert tg.wait_for_bot_message(KIM, timeout=30)["text"] == "eko: medan du låg nere"
            tg.wait_until_confirmed(update_id)
            tg.expect_no_bot_message(KIM, within=0.5)
        finally:
            bot.kill()
            bot.wait(10)
    assert [m["text"] for m in tg.bot_messages(KIM)] == ["eko: hej", "eko: medan du låg nere"]
