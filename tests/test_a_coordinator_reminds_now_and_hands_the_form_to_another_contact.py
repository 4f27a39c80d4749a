"""On the committee page: a reminder now, and the form handed to another contact who is
invited with the answers kept. Each action is logged; a refused one changes nothing."""

from __future__ import annotations

import html

from sqlmodel import col, select

from storage.db import transaction
from storage.models import Answer, Assignment, Contact, Outbox
from tests.support.dashboard import (
    ANNA,
    assignment,
    logged_in,
    open_round_with_answers,
    submit_whole_form,
)
from tests.support.manage import actions, count, post


def outbox_rows(engine, **where) -> list[Outbox]:
    with transaction(engine) as session:
        query = select(Outbox).order_by(col(Outbox.id))
        for key, value in where.items():
            query = query.where(getattr(Outbox, key) == value)
        return list(session.exec(query))


def contact_id(engine, email: str) -> int:
    with transaction(engine) as session:
        return session.exec(select(Contact.id).where(Contact.email == email)).one()


def test_a_reminder_goes_out_now_on_the_contacts_channel(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    page = f"/committee/{assignment_id}"
    assert "Skicka en påminnelse nu" in web.get(page).text
    response = post(web, page, f"{page}/remind-now", {})
    assert response.status_code == 303 and response.headers["location"] == page
    assert "En påminnelse skickas nu till kim.exempelsson@example.se" in web.get(page).text
    [reminder] = outbox_rows(engine, kind="reminder")
    assert reminder.dedupe_key.startswith(f"manual-reminder:{assignment_id}:")
    assert (reminder.channel, reminder.recipient) == ("email", "kim.exempelsson@example.se")
    assert reminder.question_number == 4  # 1-3 are answered: it carries the next question
    assert reminder.data["remaining"] == 6 and reminder.data["step"] == "manual"
    assert assignment(engine, assignment_id).reminders_sent == 1
    [logged] = actions(engine, "reminder_sent_now")
    assert (logged.actor, logged.assignment_id) == (ANNA, assignment_id)
    # The same instant twice is a double click: one reminder. A minute later is a second one.
    post(web, page, f"{page}/remind-now", {})
    assert "a reminder was just sent" in web.get(page).text
    assert len(outbox_rows(engine, kind="reminder")) == 1
    clock.advance(minutes=1)
    post(web, page, f"{page}/remind-now", {})
    assert len(outbox_rows(engine, kind="reminder")) == 2
    assert assignment(engine, assignment_id).reminders_sent == 2


def test_no_reminder_for_a_submitted_report_or_an_unreachable_contact(engine, clock):
    assignment_id = submit_whole_form(engine, clock)
    web = logged_in(engine, clock)
    page = f"/committee/{assignment_id}"
    post(web, page, f"{page}/remind-now", {})
    assert "the report is already submitted" in web.get(page).text
    assert outbox_rows(engine, kind="reminder") == []
    with transaction(engine) as session:
        other = session.exec(select(Assignment).where(Assignment.id != assignment_id)).first()
        person = session.get_one(Contact, other.contact_id)
        person.email_failing_at, person.email_failure = clock(), "550 5.1.1 user unknown"
        other_id = other.id
    page = f"/committee/{other_id}"
    post(web, page, f"{page}/remind-now", {})
    assert "550 5.1.1 user unknown" in html.unescape(web.get(page).text)
    assert outbox_rows(engine, kind="reminder") == []
    assert actions(engine, "reminder_sent_now") == []


def test_the_form_goes_to_a_deputy_with_the_answers_kept(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    page = f"/committee/{assignment_id}"
    alex = contact_id(engine, "alex.testsson@example.se")
    assert f'name="contact" value="{alex}"' in web.get(page).text
    response = post(web, page, f"{page}/contact", {"contact": str(alex)})
    assert response.status_code == 303
    assert "Kontakten är nu Alex Testsson" in web.get(page).text
    assert assignment(engine, assignment_id).contact_id == alex
    [invitation] = outbox_rows(engine, recipient="alex.testsson@example.se")
    assert (invitation.kind, invitation.question_number) == ("question", 4)
    assert invitation.data["answered"] == 3
    assert count(engine, Answer, Answer.assignment_id == assignment_id) == 3
    [logged] = actions(engine, "contact_switched")
    assert logged.actor == ANNA
    assert logged.detail == {"from": "kim.exempelsson@example.se",
                             "to": "alex.testsson@example.se"}


def test_a_new_contact_is_added_and_invited(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    page = f"/committee/{assignment_id}"
    new = {"contact": "new", "contact_name": "Nova Påhittad", "email": "nova.pahittad@example.se",
           "phone": "08-000 00 09", "role": "main", "language": "sv"}
    post(web, page, f"{page}/contact", new)
    nova = contact_id(engine, "nova.pahittad@example.se")
    assert assignment(engine, assignment_id).contact_id == nova
    with transaction(engine) as session:
        assert session.get_one(Contact, contact_id(engine, "kim.exempelsson@example.se")) \
            .role == "deputy"
    assert [r.question_number for r in outbox_rows(engine, recipient="nova.pahittad@example.se")] \
        == [4]
    assert [a.action for a in actions(engine, "contact_added")] == ["contact_added"]


def test_a_bad_new_contact_or_no_choice_changes_nothing(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    page = f"/committee/{assignment_id}"
    before = (count(engine, Contact), count(engine, Outbox), assignment(engine, assignment_id)
              .contact_id)
    bad = {"contact": "new", "contact_name": "Nova", "email": "nova@", "phone": "",
           "role": "main", "language": "sv"}
    post(web, page, f"{page}/contact", bad)
    assert "not an e-mail address: 'nova@'" in html.unescape(web.get(page).text)
    post(web, page, f"{page}/contact", {})
    assert "choose a contact of Norrmalms stadsdelsnämnd" in web.get(page).text
    stranger = contact_id(engine, "robin.provstrom@example.se")  # another committee's
    post(web, page, f"{page}/contact", {"contact": str(stranger)})
    kim = contact_id(engine, "kim.exempelsson@example.se")
    post(web, page, f"{page}/contact", {"contact": str(kim)})
    assert "is already the contact" in web.get(page).text
    after = (count(engine, Contact), count(engine, Outbox), assignment(engine, assignment_id)
             .contact_id)
    assert after == before
    assert actions(engine, "contact_switched") == []
    assert contact_id(engine, "kim.exempelsson@example.se") == before[2]


def test_committee_actions_need_the_csrf_token(engine, clock):
    assignment_id = open_round_with_answers(engine, clock)
    web = logged_in(engine, clock)
    page = f"/committee/{assignment_id}"
    web.get(page)
    alex = contact_id(engine, "alex.testsson@example.se")
    assert web.post(f"{page}/remind-now", data={}).status_code == 403
    assert web.post(f"{page}/contact", data={"contact": str(alex),
                                             "csrf": "forged"}).status_code == 403
    assert outbox_rows(engine, kind="reminder") == []
    assert assignment(engine, assignment_id).contact_id != alex
