"""Control characters (NUL, \\x01, C1 controls from an undeclared charset) are cleaned where text
comes in, the raw mail keeps them, and an answer stored with them still renders in every
format and downloads from the dashboard."""

from __future__ import annotations

import io
from email.utils import make_msgid

import docx
import pytest
from sqlmodel import col, select

from bot.mail.processing import process_mail
from intake.messaging.inbox import process_pending, store_inbound
from intake.people.roster import parse_roster
from intake.records.report import FORMATS
from intake.xml_safe import xml_safe
from storage.db import is_sqlite, transaction
from storage.models import Answer, AnswerRevision, Inbox, Outbox
from tests.support.dashboard import DISTRICT, csrf_of, logged_in, submit_whole_form
from tests.support.helpers import live_data, load_roster, open_test_round, run_cli, send

BAD = "Ett\x01 svar\x1f med \x81kontroll\x96tecken\x0bny rad\ufffe."


def test_xml_safe_strips_or_replaces_every_forbidden_class():
    assert xml_safe("a\x00b\x01c\x08d\x1fe\x7f") == "abcde"  # C0 and DEL: gone
    assert xml_safe("tab\tlf\ncr\r") == "tab\tlf\ncr\r"  # the three XML allows stay
    assert xml_safe("rad\x0bny\x0csida") == "rad\nny\nsida"  # Word's line and page breaks
    assert xml_safe("2020\x962022 \x92s \x80") == "2020–2022 ’s €"  # C1 read as Windows-1252
    assert xml_safe("x\x81\x8d\x8f\x90\x9dy") == "xy"  # the five 1252 leaves undefined
    assert xml_safe("a\ud800b\udfffc") == "a\ufffdb\ufffdc"  # lone surrogates marked
    assert xml_safe("a\ufffe\uffffb") == "ab"
    plain = "Åtgärder – 3 st. 😀"
    assert xml_safe(plain) is plain  # clean text is returned untouched


def test_xml_safe_is_linear_on_a_long_hostile_text():
    hostile = "\x01a" * 500_000
    assert xml_safe(hostile) == "a" * 500_000


def test_a_telegram_answer_is_cleaned_before_it_is_stored(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    send(engine, clock(), DISTRICT, "start")
    send(engine, clock(), DISTRICT, "text", text="Svar\x00 med NUL\x01 och \x96 streck")
    with transaction(engine) as session:
        texts = [r.text for r in session.exec(select(AnswerRevision))]
    assert texts == ["Svar med NUL och – streck"]


def test_a_mail_in_an_undeclared_charset_is_cleaned_and_its_raw_kept(engine, clock):
    load_roster(engine, clock())
    open_test_round(engine, clock())
    with transaction(engine) as session:
        question = session.exec(select(Outbox).where(Outbox.template == "question")
                                .order_by(col(Outbox.id))).first()
        address, token = question.recipient, live_data(question)["reply_token"]
    body = b"Vi har haft tre m\xf6ten\x01 \x962026\x81 med f\xf6retagen.\r\n"
    raw = (f"From: <{address}>\r\nTo: svar+{token}@localhost\r\nSubject: SV: fraga\r\n"
           f"Message-ID: {make_msgid(domain='mail.example.se')}\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + body
    store_inbound(engine, channel="email", external_id="ctrl-1", raw=raw, now=clock(),
                  sender=address, envelope_from=address, envelope_to=f"svar+{token}@localhost")
    assert process_pending(engine, {"email": process_mail}, clock) == 1
    with transaction(engine) as session:
        stored = session.exec(select(AnswerRevision)).one().text
        inbox = session.exec(select(Inbox)).one()
    assert body.rstrip() in inbox.raw  # the raw stays exactly as it came
    assert stored.startswith("Vi har haft tre")
    assert not any(ch in stored for ch in "\x01\x81\x96"), repr(stored)
    assert "–2026" in stored  # the 1252 dash, where the sender meant one


def test_roster_names_are_cleaned_on_import():
    rows = parse_roster("committee,kind,contact_name,email,phone\n"
                        "Norrmalms\x01 stadsdelsnämnd,district,Kim\x00 Ex\x81empelsson,"
                        "kim@example.se,08-000\n")
    assert (rows[0].committee, rows[0].contact_name) == ("Norrmalms stadsdelsnämnd",
                                                         "Kim Exempelsson")


def _store_bad_answers(engine) -> None:
    """Answers as an older version stored them, before text was cleaned on the way in."""
    nul = "\x00" if is_sqlite(engine) else ""  # PostgreSQL text cannot hold NUL at all
    with transaction(engine) as session:
        for revision in session.exec(select(AnswerRevision)):
            revision.text = f"Svar{nul} med \x01 och \x81 och \x9f{revision.text}"
            session.add(revision)


@pytest.fixture
def bad_round(engine, clock) -> int:
    assignment_id = submit_whole_form(engine, clock)
    _store_bad_answers(engine)
    return assignment_id


def test_intake_report_writes_every_format_with_stored_control_characters(
        cli_env, engine, bad_round, tmp_path):
    out = tmp_path / "reports"
    result = run_cli("report", "--period", "2026 T3", "--format", ",".join(FORMATS),
                     "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert {p.suffix for p in out.iterdir()} == {f".{fmt}" for fmt in FORMATS}
    for path in out.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        # Whitespace runs fold to one space; \x9f was a Windows-1252 "Ÿ".
        assert "Svar med och och ŸSvar på fråga" in text and "\x01" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_download_renders_stored_control_characters(engine, clock, bad_round, fmt):
    web = logged_in(engine, clock)
    for path in (f"/committee/{bad_round}/report.{fmt}", f"/report.{fmt}?period=2026+T3"):
        response = web.get(path)
        assert response.status_code == 200, (path, response.text[:200])
        if fmt == "docx":
            document = docx.Document(io.BytesIO(response.content))
            assert any("Svar med" in p.text for p in document.paragraphs)
        elif fmt == "pdf":
            assert response.content.startswith(b"%PDF")
        else:
            assert "Svar med" in response.text and "\x01" not in response.text


def test_the_spreadsheet_and_csv_exports_take_them_too(engine, clock, bad_round):
    web = logged_in(engine, clock)
    for path in ("/export.xlsx?period=2026+T3", "/export.csv?period=2026+T3",
                 f"/committee/{bad_round}"):
        assert web.get(path).status_code == 200, path


def test_dashboard_form_fields_are_cleaned_too(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    token = csrf_of(web.get(f"/committee/{assignment_id}").text)
    with transaction(engine) as session:
        question = session.exec(select(Answer)).first().question_id
    response = web.post(f"/committee/{assignment_id}/return", follow_redirects=False,
                        data={"csrf": token, "flag": question,
                              f"comment-{question}": "Komplettera\x00 gärna\x01 \x96 tack"})
    assert response.status_code == 303
    with transaction(engine) as session:
        answer = session.exec(select(Answer).where(Answer.question_id == question)).one()
    assert answer.coordinator_comment == "Komplettera gärna – tack"
