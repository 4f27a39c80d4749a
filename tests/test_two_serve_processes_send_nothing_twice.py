"""Two `intake serve` processes on one database, both sweeping: each reminder lands once.

Real processes, started as an operator would, with a fixed clock (INTAKE_FAKE_NOW) just after
the "-7" step, a sweep every 0.2 s instead of every minute, and one shared maildir.
"""

from __future__ import annotations

import email
import mailbox
from collections import Counter
from contextlib import ExitStack
from email.policy import default
from pathlib import Path

from intake.paths import PROJECT_ROOT
from tests.support.reminders import open_reminder_round
from tests.support.serve import Serve, logs_of
from tests.support.waiting import holds_for, wait_until

SAMPLE_ROSTER = (PROJECT_ROOT / "samples" / "roster.csv").read_text(encoding="utf-8")
EXPECTED = 28  # one main contact per committee of the sample roster


def _reminder_recipients(maildir: Path) -> list[str]:
    if not maildir.exists():
        return []
    box = mailbox.Maildir(str(maildir), create=False)
    mails = [email.message_from_bytes(box.get_bytes(key), policy=default)
             for key in box.iterkeys()]
    return [str(m["To"]) for m in mails if m["X-Intake-Kind"] == "reminder"]


def _serve(cli_env: dict[str, str], log: Path) -> Serve:
    return Serve(cli_env | {"INTAKE_FAKE_NOW": "2026-12-30T09:30", "INTAKE_SWEEP_SECONDS": "0.2"},
                 log)


def test_two_servers_racing_on_one_database_deliver_each_reminder_once(cli_env, engine,
                                                                       tmp_path):
    open_reminder_round(engine, roster=SAMPLE_ROSTER)
    maildir = Path(cli_env["INTAKE_VAR_DIR"]) / "maildir"
    with ExitStack() as stack:
        # Both start at once, so both sweep from the first moment.
        servers = [_serve(cli_env, tmp_path / f"serve-{i}.log").launch() for i in range(2)]
        for serve in servers:
            stack.callback(serve.stop)
        for serve in servers:
            serve.wait_up()

        def delivered() -> int:
            assert all(s.alive() for s in servers), logs_of(tmp_path)
            return len(_reminder_recipients(maildir))

        wait_until(lambda: delivered() >= EXPECTED, 60, "every reminder delivered")
        # Ten more sweeps each, and more delivery passes: nothing new may come.
        holds_for(lambda: delivered() == EXPECTED, 2, "no reminder sent twice")
    recipients = _reminder_recipients(maildir)
    assert len(recipients) == EXPECTED, logs_of(tmp_path)
    assert Counter(recipients).most_common(1)[0][1] == 1
    assert "Traceback" not in logs_of(tmp_path)
