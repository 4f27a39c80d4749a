"""IMAP_HOST: replies are taken from a real Dovecot mailbox, stored once, then moved away.

The contact completes the bundled form by replies that land in the mailbox (nothing reaches
the inbound SMTP port), and `intake status --json` shows the report submitted.
"""

from __future__ import annotations

import email
import email.policy

import pytest
from sqlmodel import col

from storage.models import AnswerRevision, Inbox
from tests.support.dovecot import PROCESSED, available, delivered, dovecot, mailbox_env
from tests.support.helpers import run_cli
from tests.support.mail import KIM, Sink, mail_serve, open_round_now, reply_to_of, rows
from tests.support.mailkit import outlook_reply
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(not available(), reason="Debian's dovecot-imapd is not "
                                "installed (system-packages.txt lists it; make test installs it)")


def message_id(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"])


def test_a_contact_completes_the_form_through_the_mailbox(db_url, tmp_path, cli_env):
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    with dovecot() as box:
        serve = mail_serve(db_url, tmp_path, sink, **mailbox_env(box.port))
        try:
            serve.start()
            replies = _answer_all(box, sink)
            summary = wait_until(lambda: sink.mails_to(KIM, "summary"), what="the summary")[-1]
            submit = outlook_reply(summary, "SKICKA")
            box.deliver(delivered(submit, reply_to_of(summary)))
            wait_until(lambda: sink.mails_to(KIM, "receipt"), timeout=60, what="the receipt")
            replies.append(message_id(submit))
            moved = wait_until(lambda: len(box.messages(PROCESSED)) == len(replies)
                             and box.messages(PROCESSED), what="every reply moved")
            assert box.messages("INBOX") == []
            assert all(b"\\Seen" in flags for flags, _ in moved)
            status, health = serve.healthz()
            part = health["checks"]["mailbox"]
            assert status == 200 and part["ok"] and part["idle"] is True, health
        finally:
            serve.stop()
            sink.stop()
    stored = rows(db_url, Inbox, col(Inbox.channel) == "email")
    # One row per reply, each read as SMTP mail is: the token's address as the recipient.
    assert sorted(message_id(row.raw) for row in stored) == sorted(replies)
    assert all(row.envelope_to.startswith("svar+") and row.status == "processed"
               for row in stored), [(r.envelope_to, r.status, r.note) for r in stored]
    status = run_cli("status", "--json").json()
    norrmalm = next(a for a in status["assignments"] if a["committee"].startswith("Norrmalm"))
    assert (norrmalm["status"], norrmalm["channel"]) == ("submitted", "email")
    assert norrmalm["answered"] == norrmalm["total"]


def _answer_all(box, sink: Sink) -> list[str]:
    sent: list[str] = []
    for seen in range(100):
        def arrived(seen: int = seen) -> bool:
            return len(sink.mails_to(KIM, "question")) > seen or bool(
                sink.mails_to(KIM, "summary"))
        wait_until(arrived, timeout=60, what="the next mail")
        if sink.mails_to(KIM, "summary"):
            return sent
        mail = sink.mails_to(KIM, "question")[seen]
        number = int(mail["X-Intake-Question"])
        reply = outlook_reply(mail, f"Svar på fråga {number}: nämnden har arbetat med det.")
        box.deliver(delivered(reply, reply_to_of(mail)))
        sent.append(message_id(reply))
    raise AssertionError("no summary after 100 questions")


def test_serve_killed_between_store_and_move_stores_the_mail_once(db_url, tmp_path):
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    with dovecot() as box:
        # The first serve holds each stored mail an hour before it marks and moves it.
        first = mail_serve(db_url, tmp_path, sink, INTAKE_MAILBOX_HOLD_SECONDS="3600",
                      INTAKE_INBOX_WAKE="0", INTAKE_WORKER_INTERVAL="3600",
                      **mailbox_env(box.port))
        second = mail_serve(db_url, tmp_path, sink, **mailbox_env(box.port))
        try:
            first.start()
            question = wait_until(lambda: sink.mails_to(KIM, "question"), timeout=60,
                                what="the invitation")[0]
            reply = outlook_reply(question, "Vi har haft 42 ärenden.")
            box.deliver(delivered(reply, reply_to_of(question)))
            wait_until(lambda: rows(db_url, Inbox), what="the reply stored")
            (flags, _), = box.messages("INBOX")
            assert b"\\Seen" not in flags and box.messages(PROCESSED) == []
            first.kill()  # kill -9: stored, not yet marked or moved

            second.start()
            wait_until(lambda: box.messages(PROCESSED), timeout=60, what="the mail moved")
            wait_until(lambda: rows(db_url, AnswerRevision,
                                  col(AnswerRevision.text).contains("42 ärenden")),
                     timeout=60, what="the answer")
            assert box.messages("INBOX") == []
        finally:
            first.kill()
            second.stop()
            sink.stop()
    stored = rows(db_url, Inbox)
    assert [message_id(row.raw) for row in stored] == [message_id(reply)]
    assert len(rows(db_url, AnswerRevision)) == 1


def test_a_cut_connection_is_taken_up_again_and_polling_moves_by_copy(db_url, tmp_path):
    """A server without IDLE or MOVE, with "." between folder names: polled, moved by COPY +
    \\Deleted + EXPUNGE into intake.processed; when the connection is cut, /healthz counts
    the new login the reader makes by itself."""
    open_round_now(db_url)
    sink = Sink()
    sink.start()
    with dovecot(capabilities="IMAP4rev1 UIDPLUS", separator=".") as box:
        serve = mail_serve(db_url, tmp_path, sink, **mailbox_env(box.port))
        try:
            serve.start()
            wait_until(lambda: serve.healthz()[1]["checks"]["mailbox"]["state"] == "polling",
                     timeout=60, what="the mailbox polled")
            assert serve.healthz()[1]["checks"]["mailbox"]["idle"] is False
            question = wait_until(lambda: sink.mails_to(KIM, "question"), timeout=60,
                                what="the invitation")[0]
            box.kick()
            wait_until(lambda: serve.healthz()[1]["checks"]["mailbox"]["reconnects"] == 1,
                     timeout=60, what="/healthz to count the new login")
            box.deliver(delivered(outlook_reply(question, "Efter avbrottet: 7 ärenden."),
                                  reply_to_of(question)))
            wait_until(lambda: rows(db_url, AnswerRevision,
                                  col(AnswerRevision.text).contains("7 ärenden")),
                     timeout=60, what="the answer after the reconnect")
            wait_until(lambda: box.messages("intake.processed") and not box.messages("INBOX"),
                     what="the mail copied and expunged")
            assert serve.healthz()[1]["checks"]["mailbox"]["ok"] is True
        finally:
            serve.stop()
            sink.stop()


def _certificate(tmp_path) -> tuple[bytes, bytes, str]:
    """A self-signed certificate for 127.0.0.1, and a CA file that trusts it."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    ca = tmp_path / "ca.pem"
    ca.write_bytes(pem)
    return pem, key_pem, str(ca)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_the_mailbox_is_read_over_tls_and_starttls(db_url, tmp_path, mode):
    open_round_now(db_url)
    cert, key, ca = _certificate(tmp_path)
    sink = Sink()
    sink.start()
    with dovecot(certificate=(cert, key)) as box:
        port = box.tls_port if mode == "tls" else box.port
        # The serve trusts the test's certificate as it would the organisation's CA.
        serve = mail_serve(db_url, tmp_path, sink, SSL_CERT_FILE=ca,
                      **mailbox_env(port, IMAP_TLS=mode))
        try:
            serve.start()
            question = wait_until(lambda: sink.mails_to(KIM, "question"), timeout=60,
                                what="the invitation")[0]
            box.deliver(delivered(outlook_reply(question, "Krypterat: 5 ärenden."),
                                  reply_to_of(question)))
            wait_until(lambda: rows(db_url, AnswerRevision,
                                  col(AnswerRevision.text).contains("5 ärenden")),
                     timeout=60, what=f"the answer read over {mode}")
            # The test's own deliveries log in without TLS; serve's login was over TLS.
            assert any("Login: user=<svar@svar.example.se>" in line and ", TLS" in line
                       for line in box.log.splitlines()), box.log
        finally:
            serve.stop()
            sink.stop()
