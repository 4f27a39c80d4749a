"""`intake remind --now`: enqueue what is due at that instant, deliver it, exit; twice is once."""

from __future__ import annotations

import email
import mailbox
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from tests.support.helpers import run_cli
from tests.support.reminders import NORRMALM, OPENED, answer, open_reminder_round

KIM = "kim.exempelsson@example.se"


def _reminders(cli_env) -> list[EmailMessage]:
    path = Path(cli_env["INTAKE_VAR_DIR"]) / "maildir"
    if not path.exists():
        return []
    box = mailbox.Maildir(str(path), create=False)
    mails = [email.message_from_bytes(box.get_bytes(key), policy=default) for key in box.iterkeys()]
    return [m for m in mails if m["X-Intake-Kind"] == "reminder"]


def _body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_step_is_delivered_by_mail_once_with_the_next_open_question(cli_env, engine):
    open_reminder_round(engine)
    answer(engine, OPENED, NORRMALM, range(1, 7))

    first = run_cli("remind", "--now", "2026-12-30T09:00")
    assert first.exit_code == 0, first.stderr
    lines = first.stdout.splitlines()
    assert f"reminder    {NORRMALM}  step -7  email {KIM}" in lines
    assert "5 reminder(s) and 0 digest(s) enqueued at 2026-12-30T09:00:00+01:00" in lines
    assert lines[-1].startswith("delivered ")

    mails = _reminders(cli_env)
    assert sorted(m["To"] for m in mails) == sorted([
        KIM, "robin.provstrom@example.se", "sam.demosson@example.se",
        "eli.pahittsson@example.se", "noa.latsasson@example.se"])
    kim = next(m for m in mails if m["To"] == KIM)
    assert kim["X-Intake-Question"] == "7"
    assert kim["Reply-To"].startswith("svar+")
    assert kim["Subject"] == ("Påminnelse: 3 av 9 frågor återstår – "
                              "sista dag onsdag 13 januari kl. 17")
    body = _body(kim)
    assert "3 av 9 frågor återstår:\n- 7." in body
    assert "Fråga 7 av 9" in body
    sam = next(m for m in mails if m["To"] == "sam.demosson@example.se")
    assert sam["Subject"].startswith("Reminder: ") and "Wednesday 13 January" in sam["Subject"]

    again = run_cli("remind", "--now", "2026-12-30T09:00")
    assert again.exit_code == 0
    assert "0 reminder(s) and 0 digest(s) enqueued" in again.stdout
    assert len(_reminders(cli_env)) == 5


def test_between_steps_nothing_is_sent_and_the_next_step_follows(cli_env, engine):
    open_reminder_round(engine)
    assert run_cli("remind", "--now", "2026-12-30T09:00").exit_code == 0
    quiet = run_cli("remind", "--now", "2027-01-05T10:00")
    assert "0 reminder(s)" in quiet.stdout
    later = run_cli("remind", "--now", "2027-01-08T09:30")
    assert f"reminder    {NORRMALM}  step -3  email {KIM}" in later.stdout.splitlines()
    assert len(_reminders(cli_env)) == 10


def test_a_bad_now_is_refused_with_one_line_and_changes_nothing(cli_env, engine):
    open_reminder_round(engine)
    bad = run_cli("remind", "--now", "snart")
    assert bad.exit_code == 1
    assert bad.stderr.strip().splitlines() == [
        "error: --now: not a date-time: 'snart' "
        "(use ISO, e.g. 2027-02-15T17:00 or 2027-02-15 17:00+01:00)"]
    assert run_cli("status", "--json").json()["assignments"][0]["reminders_sent"] == 0
    assert _reminders(cli_env) == []
