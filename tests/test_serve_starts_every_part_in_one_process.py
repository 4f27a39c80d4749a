"""`intake serve`: web and inbound SMTP answer; queued invitations reach the maildir."""

from __future__ import annotations

import email
import email.policy
import mailbox
import smtplib

import pytest
from sqlmodel import select

from intake.paths import PROJECT_ROOT
from storage.db import transaction
from storage.models import Inbox, Outbox
from tests.support.helpers import live_data, run_cli
from tests.support.serve import Serve
from tests.support.waiting import wait_until


@pytest.fixture
def round_open(cli_env):
    assert run_cli("roster", "import", str(PROJECT_ROOT / "samples" / "roster.csv")).exit_code == 0
    assert run_cli("round", "open", "naringsliv", "--period", "2026 VB",
                   "--deadline", "2027-02-15T17:00").exit_code == 0


def test_serve_answers_on_the_web_and_delivers_invitations_to_the_maildir(
        round_open, cli_env, engine, tmp_path):
    var_dir = tmp_path / "var"
    with Serve(cli_env, tmp_path / "serve.log") as serve:
        status, page = serve.get("/healthz")
        assert status == 200 and '"status":"ok"' in page
        # The overview is behind a login since the dashboard: without a session, the login.
        status, page = serve.get("/")
        assert status == 200 and "Logga in" in page and "Norrmalms stadsdelsnämnd" not in page
        maildir = var_dir / "maildir"
        wait_until(lambda: maildir.exists() and len(mailbox.Maildir(str(maildir))) == 28)
    messages = [email.message_from_bytes(bytes(m), policy=email.policy.default)
                for m in mailbox.Maildir(str(maildir))]
    norrmalm = next(m for m in messages
                    if "Norrmalm" in m.get_body(("plain",)).get_content())
    assert norrmalm["X-Intake-Kind"] == "question"
    assert norrmalm["X-Intake-Question"] == "1"
    assert norrmalm["Subject"].startswith("Fråga 1 av 9: ")
    assert norrmalm["Reply-To"].startswith("svar+")
    assert "Auto-Submitted" not in norrmalm
    body = norrmalm.get_body(("plain",)).get_content()
    assert "Norrmalms stadsdelsnämnd" in norrmalm.get_body(("html",)).get_content()
    assert "För att nå resultat" in body
    with transaction(engine) as session:
        assert {o.status for o in session.exec(select(Outbox))} == {"sent"}


def test_inbound_smtp_checks_recipients_and_stores_raw_mail_once(
        round_open, cli_env, engine, tmp_path):
    with transaction(engine) as session:
        token = live_data(session.exec(select(Outbox)).first())["reply_token"]
    raw = (b"From: Kim Exempelsson <kim.exempelsson@example.se>\r\n"
           b"To: svar@localhost\r\nSubject: Re: Fraga 1\r\nMessage-ID: <abc@example.se>\r\n"
           b"\r\nVi samverkar.\r\n")
    with Serve(cli_env, tmp_path / "serve.log") as serve:
        with smtplib.SMTP("127.0.0.1", serve.smtp_port, timeout=10) as smtp:
            smtp.ehlo()
            smtp.mail("kim.exempelsson@example.se")
            code, _ = smtp.rcpt("svar+forgedtoken123@localhost")
            assert code == 550
            code, _ = smtp.rcpt("someone@localhost")
            assert code == 550
            assert smtp.rcpt("postmaster@localhost")[0] == 250
        for _ in range(2):  # the same message delivered twice is stored once
            with smtplib.SMTP("127.0.0.1", serve.smtp_port, timeout=10) as smtp:
                smtp.sendmail("kim.exempelsson@example.se", [f"svar+{token}@localhost"], raw)
    with transaction(engine) as session:
        stored = session.exec(select(Inbox)).all()
    assert len(stored) == 1
    assert stored[0].raw == raw
    assert stored[0].envelope_to == f"svar+{token}@localhost"
