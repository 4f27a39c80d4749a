"""Held and automatic mail on the dashboard: read as escaped text, held mail assigned to a
committee's question as its answer or discarded; refused actions change nothing."""

from __future__ import annotations

from email.message import EmailMessage

from sqlmodel import col, select

from storage.db import transaction
from storage.models import Answer, AnswerRevision, Inbox, Outbox
from tests.support.dashboard import ANNA, assignment, logged_in, open_round_with_answers
from tests.support.manage import actions, count, post

SCRIPT = "<script>alert('x')</script>"


def mail(sender: str, subject: str, body: str, html: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "svar@example.se"
    message["Subject"], message["Message-ID"] = subject, f"<{abs(hash(subject))}@example.se>"
    if html is None:
        message.set_content(body)
    else:
        message.set_content(html, subtype="html")
    return bytes(message)


def store(engine, clock, raw: bytes, status: str, note: str, assignment_id=None) -> int:
    with transaction(engine) as session:
        row = Inbox(channel="email", external_id=f"{status}-{clock().timestamp()}-{len(raw)}",
                    raw=raw, status=status, note=note, received_at=clock(),
                    sender="okand.person@example.se", assignment_id=assignment_id)
        session.add(row)
        session.flush()
        return row.id or 0


def inbox(engine, inbox_id: int) -> Inbox:
    with transaction(engine) as session:
        return session.get_one(Inbox, inbox_id)


def three_mails(engine, clock):
    held = store(engine, clock, mail("Okänd Person <okand.person@example.se>", "Svar fråga 4",
                                     f"Vi har anställt två personer. {SCRIPT}\n\n> citat"),
                 "held", "sender okand.person@example.se is not a contact of the committee")
    auto = store(engine, clock, mail("kim.exempelsson@example.se", "Frånvaro",
                                     "Jag är borta till 2026-11-20."),
                 "auto_reply", "auto-reply; back 2026-11-20")
    bounce = store(engine, clock, mail("MAILER-DAEMON@example.se", "Undeliverable",
                                       "550 5.1.1 user unknown"), "bounce", "5.1.1")
    return held, auto, bounce


def test_held_auto_reply_and_bounce_are_listed_and_read_escaped(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    held, auto, bounce = three_mails(engine, clock)
    web = logged_in(engine, clock)
    listing = web.get("/mail").text
    for subject in ("Svar fråga 4", "Frånvaro", "Undeliverable"):
        assert subject in listing
    assert "auto-reply; back 2026-11-20" in listing
    assert "2026-11-02 10:00" in listing  # the clock's Stockholm time, stored as UTC
    assert "Frånvaro" not in web.get("/mail?status=held").text
    page = web.get(f"/mail/{held}").text
    assert "Vi har anställt två personer." in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert f'value="{assignment_id}"' in page and "/discard" in page
    assert "/assign" not in web.get(f"/mail/{auto}").text  # only held mail is assigned
    assert "1 brev väntar på beslut" in web.get("/").text


def test_an_html_only_mail_is_shown_as_its_text(engine, clock):
    open_round_with_answers(engine, clock)
    raw = mail("okand.person@example.se", "HTML", "", html=f"<p>Första</p><p>Andra</p>{SCRIPT}")
    inbox_id = store(engine, clock, raw, "held", "no reply token")
    page = logged_in(engine, clock).get(f"/mail/{inbox_id}").text
    assert "Första\nAndra" in page and "alert" not in page.split("Hela brevet")[0]


def test_held_mail_becomes_the_answer_through_the_conversation(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    held, _, _ = three_mails(engine, clock)
    web = logged_in(engine, clock)
    response = post(web, f"/mail/{held}", f"/mail/{held}/assign",
                    {"assignment": str(assignment_id), "question": "4",
                     "text": "Vi har anställt två personer."})
    assert response.status_code == 303
    assert response.headers["location"] == f"/committee/{assignment_id}"
    with transaction(engine) as session:
        contact_id = assignment(engine, assignment_id).contact_id
        revision, answer = session.exec(
            select(AnswerRevision, Answer)
            .join(Answer, col(Answer.id) == col(AnswerRevision.answer_id))
            .where(AnswerRevision.inbox_id == held)).one()
        assert (revision.text, revision.channel, revision.contact_id) == (
            "Vi har anställt två personer.", "email", contact_id)
        assert answer.assignment_id == assignment_id
        assert answer.current_revision_id == revision.id
        # The contact hears what a reply of their own would have brought: the next question.
        last = session.exec(select(Outbox).order_by(col(Outbox.id).desc())).first()
        assert (last.kind, last.question_number, last.channel) == ("question", 5, "email")
    row = inbox(engine, held)
    assert row.status == "processed" and row.assignment_id == assignment_id
    assert "Brevet är sparat som svar på fråga 4" in web.get(f"/committee/{assignment_id}").text
    [logged] = actions(engine, "mail_assigned")
    assert (logged.actor, logged.detail) == (ANNA, {"inbox_id": held, "question": 4})
    assert "brev väntar på beslut" not in web.get("/").text


def test_a_wrong_question_or_committee_or_automatic_mail_changes_nothing(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    held, auto, _ = three_mails(engine, clock)
    web = logged_in(engine, clock)
    revisions, sent = count(engine, AnswerRevision), count(engine, Outbox)
    for data, message in (
        ({"assignment": str(assignment_id), "question": "99", "text": "x"}, "is not in"),
        ({"assignment": "", "question": "4", "text": "x"}, "choose the committee"),
        ({"assignment": str(assignment_id), "question": "4", "text": "  "}, "the answer is empty"),
    ):
        response = post(web, f"/mail/{held}", f"/mail/{held}/assign", data)
        assert response.status_code == 400 and message in response.text
    response = post(web, f"/mail/{held}", f"/mail/{auto}/assign",
                    {"assignment": str(assignment_id), "question": "4", "text": "x"})
    assert response.status_code == 400 and "only held mail" in response.text
    assert count(engine, AnswerRevision) == revisions and count(engine, Outbox) == sent
    assert inbox(engine, held).status == "held" and inbox(engine, auto).status == "auto_reply"
    assert actions(engine, "mail_assigned") == []


def test_held_mail_is_discarded_and_logged(engine, clock):
    open_round_with_answers(engine, clock)
    held, _, bounce = three_mails(engine, clock)
    web = logged_in(engine, clock)
    response = post(web, f"/mail/{held}", f"/mail/{held}/discard", {})
    assert response.status_code == 303
    assert inbox(engine, held).status == "discarded"
    assert f"Brev #{held} är kastat." in web.get("/mail").text
    assert "Svar fråga 4" not in web.get("/mail").text
    [logged] = actions(engine, "mail_discarded")
    assert (logged.actor, logged.detail) == (ANNA, {"inbox_id": held})
    assert post(web, f"/mail/{held}", f"/mail/{held}/discard", {}).status_code == 400
    assert post(web, "/mail", f"/mail/{bounce}/discard", {}).status_code == 400
    assert inbox(engine, bounce).status == "bounce"


def test_mail_actions_need_the_csrf_token_and_a_session(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    held, _, _ = three_mails(engine, clock)
    web = logged_in(engine, clock)
    web.get(f"/mail/{held}")
    assert web.post(f"/mail/{held}/discard", data={}).status_code == 403
    assert web.post(f"/mail/{held}/assign", data={
        "assignment": str(assignment_id), "question": "4", "text": "x",
        "csrf": "forged"}).status_code == 403
    assert inbox(engine, held).status == "held"
    web.cookies.clear()
    assert web.get(f"/mail/{held}", follow_redirects=False).status_code == 303
    assert web.get("/mail", follow_redirects=False).status_code == 303
