"""Several `intake serve` processes against one fake Bot API: start, ask each its role, stop."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fake_telegram import FakeBotAPIThread
from sqlalchemy import Engine
from sqlmodel import col, select
from telegram_serve import INTAKE, serve_env, wait_until

from storage.db import transaction
from storage.models import Answer, AnswerRevision, Fragment


def serve_envs(tg: FakeBotAPIThread, cli_env: dict[str, str], count: int,
               **extra: str) -> list[dict[str, str]]:
    """Environments for `count` serves whose web and SMTP ports are all different.

    free_port() only finds a port free now; asked twice, it may give the same one.
    """
    while True:
        envs = [serve_env(tg, cli_env, **extra) for _ in range(count)]
        ports = [e[key] for e in envs for key in ("WEB_PORT", "INBOUND_SMTP_PORT")]
        if len(set(ports)) == len(ports):
            return envs


def telegram_role(env: dict[str, str]) -> str:
    """What /healthz says this serve does with Telegram: polling, standby or webhook."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{env['WEB_PORT']}/healthz",
                                    timeout=5) as response:
            services = json.load(response)["services"]
    except OSError:
        return "down"
    return services.get("telegram", "none").split()[1]


@contextmanager
def serves(envs: list[dict[str, str]], logs: Path) -> Iterator[list[subprocess.Popen]]:
    """Start one `intake serve` per environment; each is up once /healthz answers."""
    processes: list[subprocess.Popen] = []
    try:
        for index, env in enumerate(envs):
            with (logs / f"serve-{index}.log").open("ab") as out:
                processes.append(subprocess.Popen([INTAKE, "serve"], env=env, stdout=out,
                                                  stderr=out))
            wait_until(lambda env=env: telegram_role(env) in ("polling", "standby", "webhook"),
                       90, f"serve {index} up")  # slow when the machine is busy
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def logs_of(directory: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(directory.glob("serve-*.log")))


def fragments(engine: Engine) -> list[str]:
    """The current answers' fragments, in their stored order."""
    with transaction(engine) as session:
        return list(session.exec(
            select(Fragment.text)
            .join(AnswerRevision, col(AnswerRevision.id) == col(Fragment.revision_id))
            .join(Answer, col(Answer.current_revision_id) == col(AnswerRevision.id))
            .order_by(col(Answer.id), col(Fragment.position))))
