"""SMTP_AUTH / IMAP_AUTH = xoauth2: client-credentials tokens from a real token endpoint,
SASL XOAUTH2 to an aiosmtpd relay and a real Dovecot; expired tokens are renewed, and a
refused token is a clear error on /healthz while the mail waits in the outbox."""

from __future__ import annotations

import time

import pytest
from sqlmodel import col

from storage.models import AnswerRevision, Outbox
from tests.support.dovecot import USER, available, delivered, dovecot
from tests.support.mail import KIM, mail_serve, open_round_now, reply_to_of, rows
from tests.support.mailkit import outlook_reply
from tests.support.oauth import CLIENT_ID, CLIENT_SECRET, SCOPE, TokenServer, XoauthRelay
from tests.support.waiting import wait_until

RELAY_USER = "intake@svar.example.se"


def oauth_env(tokens: TokenServer, **extra: str) -> dict[str, str]:
    return {"SMTP_AUTH": "xoauth2", "SMTP_USERNAME": RELAY_USER, "OAUTH_TOKEN_URL": tokens.url,
            "OAUTH_CLIENT_ID": CLIENT_ID, "OAUTH_CLIENT_SECRET": CLIENT_SECRET,
            "OAUTH_SCOPE": SCOPE} | extra


def test_mail_goes_out_through_the_xoauth2_relay_and_expired_tokens_are_renewed(
        db_url, tmp_path):
    open_round_now(db_url)
    with TokenServer(lifetime=4) as tokens:
        relay = XoauthRelay(tokens, RELAY_USER)
        relay.start()
        serve = mail_serve(db_url, tmp_path, relay, **oauth_env(tokens))
        try:
            serve.start()
            question = wait_until(lambda: relay.mails_to(KIM, "question"), timeout=60,
                                what="the invitation through the relay")[0]
            first = dict(tokens.issued)
            time.sleep(4.5)  # the token server's lifetime: the cached token has expired
            serve.forward(outlook_reply(question, "Vi har haft 42 ärenden."),
                          reply_to_of(question))
            wait_until(lambda: len(relay.mails_to(KIM, "question")) == 2, timeout=60,
                     what="the next question through the relay")
            status, health = serve.healthz()
            assert status == 200 and health["checks"]["oauth"]["ok"], health
        finally:
            serve.stop()
            relay.stop()
    assert tokens.requests[0] == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                  "client_secret": CLIENT_SECRET, "scope": SCOPE}
    # The first token served every invitation; the expired one was never offered again.
    assert len(first) == 1 and len(tokens.issued) == 2
    assert relay.logins and all(accepted for _, accepted in relay.logins), relay.logins
    assert len(relay.received) == len(rows(db_url, Outbox, col(Outbox.status) == "sent"))


def test_a_refused_token_is_shown_on_healthz_and_the_mail_waits_for_a_good_one(
        db_url, tmp_path):
    open_round_now(db_url)
    with TokenServer() as tokens:
        tokens.refusing = True  # say, the app registration lacks SMTP.Send
        relay = XoauthRelay(tokens, RELAY_USER)
        relay.start()
        serve = mail_serve(db_url, tmp_path, relay, **oauth_env(tokens))
        try:
            serve.start()
            part = wait_until(lambda: serve.healthz()[1]["checks"]["oauth"]["error"],
                            timeout=60, what="/healthz to name the refused token")
            assert "refused the OAuth token" in part
            assert serve.healthz()[0] == 503
            assert relay.received == []
            waiting = wait_until(lambda: (found := rows(db_url, Outbox)) and all(
                row.status == "pending" and row.attempts >= 1 for row in found) and found,
                timeout=60, what="every mail back in the outbox for a retry")
            assert all("refused the OAuth token" in row.last_error for row in waiting)
            tokens.refusing = False  # the permission is granted
            wait_until(lambda: len(relay.received) == len(waiting), timeout=120,
                     what="every waiting mail sent after the retry")
            wait_until(lambda: serve.healthz()[1]["checks"]["oauth"]["ok"], timeout=30,
                     what="/healthz to clear the error")
        finally:
            serve.stop()
            relay.stop()
    recipients = [tuple(rcpts) for _, rcpts, _ in relay.received]
    assert len(recipients) == len(set(recipients))  # each mail once, none lost
    assert "refused the OAuth token" in (tmp_path / "serve.log").read_text()


@pytest.mark.skipif(not available(), reason="Debian's dovecot-imapd is not installed "
                    "(system-packages.txt lists it; make test installs it)")
def test_the_mailbox_is_read_with_an_oauth_token_and_a_refused_one_is_reported(
        db_url, tmp_path):
    open_round_now(db_url)
    with TokenServer(user=USER) as tokens, dovecot(tokens.introspection_url) as box:
        relay = XoauthRelay(tokens, RELAY_USER)
        relay.start()
        serve = mail_serve(db_url, tmp_path, relay, **oauth_env(
            tokens, IMAP_HOST="127.0.0.1", IMAP_PORT=str(box.port), IMAP_USERNAME=USER,
            IMAP_AUTH="xoauth2", IMAP_TLS="none", IMAP_POLL_SECONDS="0.5"))
        try:
            serve.start()
            question = wait_until(lambda: relay.mails_to(KIM, "question"), timeout=60,
                                what="the invitation")[0]
            box.deliver(delivered(outlook_reply(question, "Via postlådan: 9 ärenden."),
                                  reply_to_of(question)))
            wait_until(lambda: rows(db_url, AnswerRevision,
                                  col(AnswerRevision.text).contains("9 ärenden")),
                     timeout=60, what="the answer read with a token")
            assert "method=XOAUTH2" in box.log
            tokens.refusing = True
            box.kick()
            part = wait_until(lambda: serve.healthz()[1]["checks"]["mailbox"]["error"],
                            timeout=60, what="/healthz to name the refused login")
            wait_until(lambda: "refused the OAuth token" in str(
                serve.healthz()[1]["checks"]["mailbox"]["error"]), timeout=60,
                what=f"the refusal on /healthz (last: {part})")
        finally:
            serve.stop()
            relay.stop()
