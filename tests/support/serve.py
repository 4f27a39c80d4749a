"""The one way tests start `intake serve`: a real process on free ports, up once its SMTP
port and its web server answer, stopped with SIGTERM (or killed) at the end."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.support.waiting import free_port, listening, wait_until

SERVE = [sys.executable, "-m", "intake.cli", "serve"]
# Generous: a loaded machine (two cores shared by the whole suite) can take many seconds to
# import and migrate.
START_TIMEOUT = 300.0


class Serve:
    """`intake serve` with `env` over the caller's environment; its output goes to `log`.

    Ports not given in `env` are free ones; it runs in the log's folder, as an operator may
    start it from any directory.
    """

    def __init__(self, env: Mapping[str, str], log: Path):
        self.smtp_port = int(env.get("INBOUND_SMTP_PORT") or free_port())
        self.web_port = int(env.get("WEB_PORT") or free_port())
        self.env = os.environ | {"LOG_LEVEL": "WARNING"} | dict(env) | {
            "INBOUND_SMTP_HOST": "127.0.0.1", "INBOUND_SMTP_PORT": str(self.smtp_port),
            "WEB_HOST": "127.0.0.1", "WEB_PORT": str(self.web_port)}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = START_TIMEOUT) -> Serve:
        """Start it and wait until it is up."""
        return self.launch().wait_up(timeout)

    def launch(self) -> Serve:
        """Start it without waiting: for several serves that should start together."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(SERVE, cwd=self.log.parent, env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT)
        return self

    def wait_up(self, timeout: float = START_TIMEOUT) -> Serve:
        try:
            wait_until(self.up, timeout, f"serve to listen; log: {self.log}")
        except BaseException:
            self.kill()  # never leave a serve behind to load the machine and hold the database
            raise
        return self

    def up(self) -> bool:
        assert self.alive(), f"serve exited:\n{self.output()}"
        return listening(self.smtp_port) and self.healthz()[0] != 0

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, as systemd stops it; killed if it has not finished within `timeout`."""
        if self.alive():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """kill -9: no clean-up at all, as a crash."""
        if self.alive():
            assert self.process is not None
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Serve:
        return self.start() if self.process is None else self.wait_up()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def healthz(self) -> tuple[int, dict[str, Any]]:
        """/healthz's status and JSON whatever the status; (0, {}) while nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except (OSError, ValueError):
            return 0, {}

    def get(self, path: str = "/") -> tuple[int, str]:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            return response.status, response.read().decode("utf-8")

    def telegram_role(self) -> str:
        """What /healthz says this serve does with Telegram: polling, standby or webhook."""
        status, report = self.healthz()
        if status != 200:
            return "down"
        return str(report.get("services", {}).get("telegram", "none -")).split()[1]

    def smtp(self) -> smtplib.SMTP:
        """A connection as the organisation's mail server opens it when forwarding."""
        return smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10)

    def forward(self, raw: bytes, to: str, mail_from: str = "kim.exempelsson@example.se") -> None:
        with self.smtp() as client:
            client.sendmail(mail_from, [to], raw)


def logs_of(directory: Path) -> str:
    """Every serve log in the folder, for a failing assertion's message."""
    return "\n".join(p.read_text(errors="replace") for p in sorted(directory.glob("serve*.log")))
