"""A mail loop cannot flood the bot: past 30 mails a minute from one sender, 451 and a flag."""

from __future__ import annotations

import smtplib

from storage.models import ActionLog, Inbox
from tests.support.mail import first_question, reply_to_of, rows, running
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

KIM = "kim.exempelsson@example.se"


def test_the_thirty_first_mail_in_a_minute_gets_451_and_the_sender_is_flagged_once(
        db_url, tmp_path):
    with running(db_url, tmp_path) as (serve, sink):
        invitation = first_question(sink)
        address = reply_to_of(invitation)
        codes = []
        for n in range(36):
            raw = outlook_reply(invitation, f"Svar nummer {n} i en loop.")
            with serve.smtp() as client:
                try:
                    client.sendmail(KIM, [address], raw)
                    codes.append(250)
                except smtplib.SMTPRecipientsRefused as refused:
                    codes.append(refused.recipients[address][0])
        wait_until(lambda: not rows(db_url, Inbox, Inbox.status == "pending"),
                   what="the stored mails to be processed")
        stored = rows(db_url, Inbox, Inbox.sender == KIM)
    assert codes == [250] * 30 + [451] * 6
    assert len(stored) == 30  # nothing past the limit was stored, so nothing was processed
    flags = rows(db_url, ActionLog, ActionLog.action == "mail_flood")
    assert [f.detail["address"] for f in flags] == [KIM]
