"""Two `intake serve` processes on one database, both sweeping: each reminder lands once.

Real processes, started as an operator would, with a fixed clock (INTAKE_FAKE_NOW) just after
the "-7" step, a sweep every 0.2 s instead of every minute, and one shared maildir.
"""

from __future__ import annotations

import email
import mailbox
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from email.policy import default
from pathlib import Path

from intake.paths import PROJECT_ROOT
from tests.reminder_helpers import open_reminder_round

SAMPLE_ROSTER = (PROJECT_ROOT / "samples" / "roster.csv").read_text(encoding="utf-8")
EXPECTED = 28  # one main contact per committee of the sample roster


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reminder_recipients(maildir: Path) -> list[str]:
    if not maildir.exists():
        return []
    box = mailbox.Maildir(str(maildir), create=False)
    mails = [email.message_from_bytes(box.get_bytes(key), policy=default)
             for key in box.iterkeys()]
    return [str(m["To"]) for m in mails if m["X-Intake-Kind"] == "reminder"]


def _start(cli_env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | cli_env | {
        "INTAKE_FAKE_NOW": "2026-12-30T09:30",
        "INTAKE_SWEEP_SECONDS": "0.2",
        "WEB_PORT": str(_free_port()),
        "INBOUND_SMTP_PORT": str(_free_port()),
        "LOG_LEVEL": "WARNING",
    }
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "intake.cli", "serve"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)


def test_two_servers_racing_on_one_database_deliver_each_reminder_once(cli_env, engine,
                                                                       tmp_path):
    open_reminder_round(engine, roster=SAMPLE_ROSTER)
    maildir = Path(cli_env["INTAKE_VAR_DIR"]) / "maildir"
    servers = [_start(cli_env, tmp_path / f"serve-{i}.log") for i in range(2)]
    try:
        deadline = time.monotonic() + 60
        while len(_reminder_recipients(maildir)) < EXPECTED and time.monotonic() < deadline:
            assert all(s.poll() is None for s in servers), _logs(tmp_path)
            time.sleep(0.2)
        time.sleep(2)  # ten more sweeps each, and more delivery passes: nothing new may come
        assert all(s.poll() is None for s in servers), _logs(tmp_path)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    recipients = _reminder_recipients(maildir)
    assert len(recipients) == EXPECTED, _logs(tmp_path)
    assert Counter(recipients).most_common(1)[0][1] == 1
    assert "Traceback" not in _logs(tmp_path)


def _logs(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("serve-*.log")))
