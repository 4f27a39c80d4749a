"""Every HTML mail template, rendered through render_mail with data from real conversations,
has zero WCAG 2.1 AA violations by axe-core in Chromium, in Swedish and in English.

The data is not made up: two rounds are run through the conversation engine, the reminder
sweep and the out-of-office handling, and every e-mail they put in the outbox is rendered.
The test fails when a template under intake/templates/email/ is never produced, so a new mail
template needs a scenario here.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

from playwright.sync_api import sync_playwright
from sqlmodel import col, select

from bot.mail.outbound import render_mail
from intake.clock import as_utc
from intake.conversation.automatic import _away_past_deadline
from intake.conversation.engine import Conversation, Event, handle_event
from intake.conversation.whole_form import WHOLE_FORM, send_whole_form
from intake.forms import find_form
from intake.messaging.outbox import _delivery, enqueue
from intake.messaging.tokens import issue_token
from intake.paths import TEMPLATES_DIR
from intake.people.contacts import delegate, link_telegram
from intake.rounds.opening import open_round
from intake.rounds.reminders import sweep
from storage.db import transaction
from storage.models import Contact, Outbox
from tests.support.axe import assert_accessible, launch, new_page, run_axe
from tests.support.helpers import assignment_of, load_roster
from tests.support.reminders import (
    DEADLINE,
    HAMN,
    KULTUR,
    LADDER_AT,
    NORRMALM,
    OPENED,
    PERIOD,
    ROSTER_PLUS,
    TRAFIK,
    add_coordinator,
    at,
)

EARLIER = as_utc(datetime(2026, 8, 20, 10, 0))
TELEGRAM_LINK = "https://t.me/intake_exempel_bot?start=AbC123xYz"


def _event(engine, now, committee: str, kind: str, **fields) -> None:
    with transaction(engine) as session:
        handle_event(session, assignment_of(session, committee),
                     Event(kind=kind, channel="email", **fields), now)


def _total(engine, committee: str) -> int:
    with transaction(engine) as session:
        return len(Conversation(session, assignment_of(session, committee), OPENED).questions)


def _answer_all(engine, now, committee: str, prefix: str) -> None:
    for number in range(1, _total(engine, committee) + 1):
        _event(engine, now, committee, "answer", question=str(number),
               text=f"{prefix} fråga {number}.\n\nVi har:\n- träffat företag\n- ordnat ett möte")


def _conversation(engine, now, committee: str) -> None:
    """One contact's way through a form, touching every reply the engine can send by mail."""
    for kind in ("start", "help", "status", "review"):
        _event(engine, now, committee, kind)
    _event(engine, now, committee, "text", text="  ")  # empty_answer
    _event(engine, now, committee, "text", text="Ett första stycke.", source_ref=f"{committee}-1")
    _event(engine, now, committee, "edit_fragment", text="Ett rättat stycke.",
           source_ref=f"{committee}-1")  # fragment_updated
    _event(engine, now, committee, "next")
    _event(engine, now, committee, "same_as_last")  # copied_previous or no_previous
    _event(engine, now, committee, "edit", question="99")  # unknown_question
    _event(engine, now, committee, "answer", question="1", text="Ett nytt svar.")  # answer_saved
    _event(engine, now, committee, "submit")  # missing
    with transaction(engine) as session:  # the whole form in one mail, and its result
        assignment = assignment_of(session, committee)
        contact = session.get_one(Contact, assignment.contact_id)
        send_whole_form(session, assignment, contact, now)
        conv = Conversation(session, assignment, now)
        enqueue(session, channel="email", contact=contact, kind="receipt",
                template="whole_form_result", now=now, assignment=assignment,
                question_id=WHOLE_FORM, data=conv.base_data() | {
                    "saved": [1, 2], "unplaced": ["Ett stycke utan fråga.\n\n- och en lista"],
                    "open": [conv.number(q.id) for q in conv.questions if conv.is_open(q)]})
    _answer_all(engine, now, committee, "Svar på")
    _event(engine, now, committee, "next")  # summary
    _event(engine, now, committee, "submit")  # confirm_submit
    _event(engine, now, committee, "submit")  # receipt
    _event(engine, now, committee, "start")  # already_submitted
    with transaction(engine) as session:  # a reply after the round closed
        assignment = assignment_of(session, committee)
        contact = session.get_one(Contact, assignment.contact_id)
        enqueue(session, channel="email", contact=contact, kind="notice",
                template="round_closed", now=now,
                data=Conversation(session, assignment, now).base_data())


def _run_rounds(engine) -> None:
    load_roster(engine, EARLIER, ROSTER_PLUS)
    with transaction(engine) as session:
        open_round(session, find_form("naringsliv"), "2026 T2",
                   as_utc(datetime(2026, 9, 30, 17, 0)), EARLIER)
    for committee in (NORRMALM, HAMN):  # last period's answers, to be copied
        _answer_all(engine, EARLIER, committee, "Förra periodens svar på")
    with transaction(engine) as session:
        open_round(session, find_form("naringsliv"), PERIOD, DEADLINE, OPENED)
    for committee in (NORRMALM, HAMN, KULTUR):  # Swedish, English, no earlier answers
        _conversation(engine, OPENED, committee)
    add_coordinator(engine)
    for step in ("-7", "+1"):  # reminders to the late, then the coordinators' digest
        assert not sweep(engine, at(LADDER_AT[step])).errors
    with transaction(engine) as session:  # out of office past the deadline, no deputy
        assignment = assignment_of(session, TRAFIK)
        contact = session.get_one(Contact, assignment.contact_id)
        _away_past_deadline(session, assignment, contact, date(2027, 2, 1), at(LADDER_AT["+1"]))
    with transaction(engine) as session:  # a hand-over from the chat, told by mail
        delegate(session, assignment_of(session, TRAFIK), "kim.kollega@example.se",
                 at(LADDER_AT["+1"]))
    with transaction(engine) as session:  # a forwarded deep link used by a second account
        assignment = assignment_of(session, HAMN)
        token = issue_token(session, "telegram_link", OPENED, assignment_id=assignment.id,
                            contact_id=assignment.contact_id).token
        for user in (7001, 7002):
            link_telegram(session, token, user, user, at(LADDER_AT["+1"]))


def _mail_templates() -> set[str]:
    names = (path.name for path in (TEMPLATES_DIR / "email").glob("*.html.j2"))
    return {name.removesuffix(".html.j2") for name in names
            if not name.startswith("_") and name != "layout.html.j2"}


def _shape(html: str) -> str:
    """The markup without its words: renderings of the same shape are checked once."""
    return re.sub(r">[^<]*<", "><", html)


def _rendered(engine) -> dict[tuple[str, str, int], str]:
    """(template, language, n) -> HTML: the longest rendering of each distinct shape."""
    with transaction(engine) as session:
        rows = list(session.exec(select(Outbox).where(Outbox.channel == "email")
                                 .order_by(col(Outbox.id))))
        deliveries = [_delivery(session, row) for row in rows]
    by_shape: dict[tuple[str, str, str], str] = {}
    for delivery in deliveries:
        for language in ("sv", "en"):
            for link in (None, TELEGRAM_LINK):
                flipped = dataclasses.replace(delivery, language=language)
                html = render_mail(flipped, {"telegram_link": link})[2]
                key = (delivery.template, language, _shape(html))
                if len(html) > len(by_shape.get(key, "")):
                    by_shape[key] = html
    return {(template, language, n): html
            for n, ((template, language, _), html) in enumerate(sorted(by_shape.items()))}


def test_the_checker_finds_what_it_should():
    """axe really runs: a page without a language and an image without a text fails."""
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser)
        page.set_content("<html><head><title>x</title></head><body><img src='a.png'></body>")
        assert {v["id"] for v in run_axe(page)} >= {"html-has-lang", "image-alt"}
        browser.close()


def test_every_html_mail_template_has_no_wcag_violations(engine):
    _run_rounds(engine)
    rendered = _rendered(engine)
    covered = {template for template, _, _ in rendered}
    assert covered == _mail_templates(), "mail templates no scenario produced: " + ", ".join(
        sorted(_mail_templates() - covered))
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser)
        for (template, language, n), html in sorted(rendered.items()):
            page.set_content(html)
            assert_accessible(page, f"the mail {template} ({language}, rendering {n})")
        browser.close()
    assert {language for _, language, _ in rendered} == {"sv", "en"}
