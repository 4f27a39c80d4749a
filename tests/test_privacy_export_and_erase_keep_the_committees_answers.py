"""A person who answered by mail and by Telegram: `intake privacy export` shows both, `erase`
removes them, and the consolidated report still holds the committee's answers."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import inspect, select, text
from sqlmodel import col
from sqlmodel import select as sm_select

from bot.mail.processing import process_mail
from intake.messaging.inbox import process_pending, store_inbound
from intake.people.privacy import ERASED
from storage.db import transaction
from storage.models import AnswerRevision, Contact, Inbox, Outbox
from tests.support.helpers import live_data, load_roster, run_cli
from tests.support.mailkit import as_wire
from tests.support.telegram import KIM, open_telegram_round, start_token
from tests.support.telegram_chat import Chat

NORRMALM = "Norrmalms stadsdelsnämnd"
ADDRESS = "kim.exempelsson@example.se"
MAIL_ANSWER = "Vi har genomfört tre företagsfrukostar i Vasastan under tertialet."
CHAT_ANSWER = "Dialogen med fastighetsägarna kring Sveavägen fortsätter."


def _reply_token(engine) -> str:
    with transaction(engine) as session:
        row = session.exec(sm_select(Outbox).where(
            Outbox.recipient == ADDRESS, Outbox.template == "question")
            .order_by(col(Outbox.id))).first()
        return live_data(row)["reply_token"]


def _answer_by_mail(engine, clock) -> None:
    token = _reply_token(engine)
    reply = EmailMessage()
    reply["From"] = f"Kim Exempelsson <{ADDRESS}>"
    reply["To"] = f"svar+{token}@localhost"
    reply["Subject"] = "SV: Uppföljningsrapport"
    reply["Message-ID"] = make_msgid(domain="mail.example.se")
    reply.set_content(MAIL_ANSWER + "\n\nMed vänliga hälsningar\nKim\n")
    store_inbound(engine, channel="email", external_id=reply["Message-ID"], raw=as_wire(reply),
                  now=clock(), sender=ADDRESS, envelope_from=ADDRESS,
                  envelope_to=f"svar+{token}@localhost")
    assert process_pending(engine, {"email": process_mail}, clock) == 1


def _answer_by_chat(engine, clock) -> None:
    chat = Chat(engine, clock, KIM, first_name="Kim")
    chat.message(f"/start {start_token(engine, NORRMALM)}")
    chat.message(CHAT_ANSWER)
    chat.message("/next")


def _both_channels(engine, clock) -> None:
    load_roster(engine, clock())
    open_telegram_round(engine, clock())
    _answer_by_mail(engine, clock)
    clock.advance(minutes=5)
    _answer_by_chat(engine, clock)
    with transaction(engine) as session:
        channels = {r.channel for r in session.exec(sm_select(AnswerRevision))}
    assert channels == {"email", "telegram"}


def _everything_stored(engine) -> str:
    """Every value of every row of every table, as one text to search for a person."""
    chunks = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    chunks.append(str(value))
    return "\n".join(chunks)


def test_export_shows_both_channels_and_erase_keeps_the_answers(cli_env, engine, clock,
                                                                 tmp_path):
    _both_channels(engine, clock)

    exported = run_cli("privacy", "export", ADDRESS)
    assert exported.exit_code == 0, exported.stderr
    data = exported.json()
    assert [c["name"] for c in data["contacts"]] == ["Kim Exempelsson"]
    assert data["contacts"][0]["telegram_user_id"] == KIM
    sent = data["messages_sent"]
    assert {m["channel"] for m in sent} == {"email", "telegram"}
    mail = next(m for m in sent if m["channel"] == "email")
    assert MAIL_ANSWER in mail["summary"]["text"] and MAIL_ANSWER in mail["raw"]
    assert any(m["summary"] and m["summary"].get("text") == CHAT_ANSWER for m in sent)
    assert {m["channel"] for m in data["messages_received"]} == {"email", "telegram"}
    answers = {a["channel"]: a["text"] for a in data["answers_given"]}
    assert answers["email"].startswith(MAIL_ANSWER) and answers["telegram"] == CHAT_ANSWER
    out = tmp_path / "kim.json"
    assert run_cli("privacy", "export", ADDRESS.upper(), "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == data

    erased = run_cli("privacy", "erase", ADDRESS)
    assert erased.exit_code == 0, erased.stderr
    assert "1 contact(s) erased" in erased.stdout
    assert "1 open assignment(s) have no contact now" in erased.stdout

    stored = _everything_stored(engine)
    for trace in ("kim.exempelsson", "Exempelsson", str(KIM), "08-000 00 00"):
        assert trace not in stored, trace
    with transaction(engine) as session:
        kim = session.exec(sm_select(Contact).where(col(Contact.name) == ERASED)).one()
        assert kim.telegram_user_id is None and not kim.active
        assert all(row.raw == b"" for row in session.exec(select(Inbox)).scalars())
        revisions = list(session.exec(sm_select(AnswerRevision)))
        assert {r.contact_id for r in revisions} == {kim.id}  # still the committee's record

    reports = tmp_path / "reports"
    report = run_cli("report", "--period", "2026 T3", "--format", "md", "--out", str(reports),
                     "--provenance")
    assert report.exit_code == 0, report.stderr
    consolidated = "\n".join(p.read_text(encoding="utf-8") for p in reports.glob("*.md"))
    assert MAIL_ANSWER in consolidated and CHAT_ANSWER in consolidated
    assert NORRMALM in consolidated and ERASED in consolidated

    again = run_cli("privacy", "export", ADDRESS)
    assert again.exit_code == 1 and "nothing is stored about" in again.stderr


def test_purge_deletes_raw_messages_only_after_the_round_closed(cli_env, engine, clock):
    _both_channels(engine, clock)
    assert run_cli("privacy", "purge").stdout.startswith("0 raw message(s)")  # still open
    closed = run_cli("round", "close", "2026 T3")
    assert closed.exit_code == 0, closed.stderr
    assert run_cli("round", "close", "2026 T3").exit_code == 1
    assert run_cli("privacy", "purge", "--days", "90").stdout.startswith("0 raw")  # too soon
    purged = run_cli("privacy", "purge", "--days", "0")
    assert purged.exit_code == 0, purged.stderr
    with transaction(engine) as session:
        rows = list(session.exec(sm_select(Inbox)))
        tied = [r for r in rows if r.assignment_id is not None]
        assert tied and all(r.raw == b"" for r in tied)
        assert {r.channel for r in tied} == {"email", "telegram"}
        texts = [r.text for r in session.exec(sm_select(AnswerRevision))]
    assert any(t.startswith(MAIL_ANSWER) for t in texts) and CHAT_ANSWER in texts


def test_bad_input_is_one_line(cli_env):
    assert "not an e-mail address" in run_cli("privacy", "export", "kim").stderr
    nobody = run_cli("privacy", "erase", "ingen@example.se")
    assert nobody.exit_code == 1 and "nothing is stored about ingen@example.se" in nobody.stderr
