"""Secrets at rest: the database keeps only hashes of reply, deep-link and login tokens; a
message waiting in the outbox keeps its tokens encrypted and drops them once sent; our
Message-IDs carry none; the SQLite file and var/ are for our eyes only."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import stat
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import inspect, text
from sqlmodel import col, select

from bot.mail.outbound import build_message
from bot.mail.processing import process_mail
from intake.messaging.inbox import process_pending, store_inbound
from intake.messaging.outbox import claim_due, deliver_due
from intake.messaging.tokens import SealError, find_token, seal, unseal
from intake.people.coordinators import add_coordinator
from intake.settings import Settings
from storage.db import make_engine, transaction
from storage.models import Answer, AnswerRevision, Outbox, Token
from tests.support.helpers import live_data, load_roster
from tests.support.mailkit import as_wire, plain_body
from tests.support.telegram import open_telegram_round

KIM = "kim.exempelsson@example.se"
ANSWER = "Vi har haft två företagsträffar i Vasastan under tertialet."


def _everything_stored(engine) -> str:
    chunks = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                chunks += [bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview)
                           else str(v) for v in row]
    return "\n".join(chunks)


def _send_all(engine, clock, tmp_path) -> list[EmailMessage]:
    settings = Settings(database_url="", var_dir=tmp_path, mail_reply_domain="svar.example.se")
    sent: list[EmailMessage] = []

    async def transport(delivery):
        message = build_message(settings, delivery, clock, "https://t.me/intake_bot?start="
                                + str(delivery.data.get("telegram_start_token")))
        sent.append(email.message_from_bytes(message.as_bytes(), policy=email.policy.default))
        return str(message["Message-ID"])

    asyncio.run(deliver_due(engine, {"email": transport}, clock, "w",
                            mail_domain="svar.example.se"))
    return sent


def test_no_live_token_is_stored_once_the_mail_is_sent(engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    with transaction(engine) as session:
        login = add_coordinator(session, "anna.samordnare@example.se", clock()).token
        waiting = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
        live = [live_data(row) for row in waiting]
    tokens = [d["reply_token"] for d in live] + [d["telegram_start_token"] for d in live]
    assert len(set(tokens)) == 2 * len(waiting) > 0
    stored = _everything_stored(engine)
    assert not any(token in stored for token in tokens + [login])  # sealed while waiting
    assert {row.data["reply_token"] for row in waiting} == {"[token]"}

    sent = _send_all(engine, clock, tmp_path)
    assert len(sent) == len(waiting)
    for message in sent:
        token = message["Reply-To"].addresses[0].username.split("+", 1)[1]
        assert token in tokens and token not in message["Message-ID"]
        assert f"start={tokens[tokens.index(token) + len(waiting)]}" in plain_body(message)
    with transaction(engine) as session:
        rows = session.exec(select(Outbox)).all()
        assert {(r.status, r.sealed) for r in rows} == {("sent", None)}
        assert find_token(session, tokens[0], "reply") is not None  # looked up by its hash
        assert find_token(session, login, "login") is not None
        assert all(len(t.token_hash) == 64 for t in session.exec(select(Token)))
    stored = _everything_stored(engine)
    assert not any(token in stored for token in tokens + [login])


def test_a_reply_found_by_in_reply_to_alone_is_cut_at_our_own_quoted_text(
        engine, clock, tmp_path):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    sent = _send_all(engine, clock, tmp_path)
    invitation = next(m for m in sent if m["To"] == KIM)
    reply = EmailMessage()
    reply["From"] = f"Kim Exempelsson <{KIM}>"
    reply["To"] = "svar@svar.example.se"  # the plus part lost on the way: only the thread
    reply["Subject"] = f"SV: {invitation['Subject']}"
    reply["Message-ID"] = make_msgid(domain="mail.example.se")
    reply["In-Reply-To"] = invitation["Message-ID"]
    quote = "\n".join("> " + line for line in plain_body(invitation).splitlines())
    reply.set_content(f"{ANSWER}\n\nDen 24 nov. 2026 skrev Uppföljning:\n{quote}\n")
    store_inbound(engine, channel="email", external_id=reply["Message-ID"], raw=as_wire(reply),
                  now=clock(), sender=KIM, envelope_from=KIM,
                  envelope_to="svar@svar.example.se")
    assert process_pending(engine, {"email": process_mail}, clock) == 1
    with transaction(engine) as session:
        assert [r.text for r in session.exec(select(AnswerRevision))] == [ANSWER]
        # Not flagged: the reader found our own sent text in the quote, not only a pattern.
        assert [a.flagged for a in session.exec(select(Answer))] == [False]


def test_a_message_sealed_with_another_key_is_failed_never_sent_blank(
        engine, clock, monkeypatch):
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    monkeypatch.setenv("SECRET_KEY", "a different key than the one that sealed them")
    assert claim_due(engine, clock(), "w") == []
    with transaction(engine) as session:
        rows = session.exec(select(Outbox)).all()
    assert rows and {r.status for r in rows} == {"failed"}
    assert "SECRET_KEY" in rows[0].last_error


def test_without_secret_key_a_private_key_file_in_var_seals_across_restarts(
        tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("INTAKE_VAR_DIR", str(tmp_path / "var"))
    data, sealed = seal({"reply_token": "abcdefgh12345678", "number": 1})
    assert data == {"reply_token": "[token]", "number": 1} and sealed
    key_file = tmp_path / "var" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    assert unseal(data, sealed)["reply_token"] == "abcdefgh12345678"
    monkeypatch.setenv("SECRET_KEY", "another key")
    with pytest.raises(SealError):
        unseal(data, sealed)


def test_the_sqlite_file_and_var_are_created_for_our_eyes_only(tmp_path):
    var = tmp_path / "var"
    engine = make_engine(f"sqlite:///{var / 'intake.db'}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert stat.S_IMODE(var.stat().st_mode) == 0o700
        for path in var.iterdir():  # the database and its -wal and -shm files
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert os.path.exists(var / "intake.db-wal")
    finally:
        engine.dispose()
