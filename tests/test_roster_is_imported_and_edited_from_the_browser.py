"""The roster from the dashboard: a CSV upload all-or-nothing with the command line's
line-numbered messages, and contacts edited or added with the same rules."""

from __future__ import annotations

import html

import pytest
from sqlmodel import select

from intake.people.roster import RosterError, parse_roster
from storage.db import transaction
from storage.models import Committee, Contact
from tests.support.dashboard import ANNA, logged_in
from tests.support.helpers import ROSTER, load_roster
from tests.support.manage import actions, count, post

BAD = """committee,kind,contact_name,email,phone
Kulturnämnden,specialist,Eli Exempel,eli.exempel@example.se,08-1
Idrottsnämnden,specialist,Uno Prov,inte-en-adress,08-2
Miljönämnden,galaxy,Vera Test,vera.test@example.se,08-3
"""


def contact(engine, email: str) -> Contact:
    with transaction(engine) as session:
        return session.exec(select(Contact).where(Contact.email == email)).one()


def committee_id(engine, name: str) -> int:
    with transaction(engine) as session:
        return session.exec(select(Committee.id).where(Committee.name == name)).one()


def upload(web, name: str, text: str):
    return post(web, "/roster", "/roster/import", {},
                files={"file": (name, text.encode("utf-8"), "text/csv")})


def test_an_uploaded_roster_is_imported(engine, clock):
    web = logged_in(engine, clock)
    response = upload(web, "kontakter.csv", ROSTER)
    assert response.status_code == 303
    page = web.get("/roster").text
    assert "kontakter.csv: 4 rows imported: 3 committees created, 4 contacts created" in page
    assert "Sam Demosson" in page and "Stockholms Hamn AB" in page
    assert count(engine, Contact) == 4
    [logged] = actions(engine, "roster_imported")
    assert logged.actor == ANNA and logged.detail["rows"] == 4


def test_a_bad_roster_shows_every_line_like_the_command_line_and_imports_nothing(engine, clock):
    web = logged_in(engine, clock)
    response = upload(web, "kontakter.csv", BAD)
    assert response.status_code == 400
    with pytest.raises(RosterError) as expected:
        parse_roster(BAD, "kontakter.csv")
    assert len(expected.value.problems) == 2
    for line in expected.value.problems:
        assert line in html.unescape(response.text)
    assert "kontakter.csv:3: not an e-mail address" in html.unescape(response.text)
    assert count(engine, Committee) == 0 and count(engine, Contact) == 0


def test_a_roster_that_is_not_utf8_is_refused(engine, clock):
    web = logged_in(engine, clock)
    response = post(web, "/roster", "/roster/import", {},
                    files={"file": ("gammal.csv", ROSTER.encode("cp1252"), "text/csv")})
    assert response.status_code == 400
    assert "gammal.csv: not UTF-8 text" in response.text
    assert count(engine, Contact) == 0


def test_a_contact_is_edited_with_the_rosters_rules(engine, clock):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    kim = contact(engine, "kim.exempelsson@example.se")
    page = f"/roster/contacts/{kim.id}"
    assert "Kim Exempelsson" in web.get(page).text
    bad = {"contact_name": "", "email": "kim@", "phone": "1", "role": "boss", "language": "fi"}
    response = post(web, page, page, bad)
    assert response.status_code == 400
    text = html.unescape(response.text)
    for message in ("contact_name is empty", "not an e-mail address: 'kim@'",
                    "unknown role 'boss' (use main or deputy)",
                    "unknown language 'fi' (use sv or en)"):
        assert message in text
    assert contact(engine, "kim.exempelsson@example.se").phone == "08-000 00 00"
    taken = {"contact_name": "Kim", "email": "alex.testsson@example.se", "phone": "",
             "role": "main", "language": "sv"}
    response = post(web, page, page, taken)
    assert response.status_code == 400
    assert "alex.testsson@example.se is already a contact of" in response.text
    good = {"contact_name": "Kim Exempelsson", "email": "Kim.Ny@Example.se",
            "phone": "070-000 00 09", "role": "main", "language": "en"}
    assert post(web, page, page, good).status_code == 303
    changed = contact(engine, "kim.ny@example.se")
    assert (changed.id, changed.phone, changed.language) == (kim.id, "070-000 00 09", "en")
    [logged] = actions(engine, "contact_changed")
    assert logged.actor == ANNA
    assert logged.detail["changes"]["email"] == ["kim.exempelsson@example.se",
                                                 "kim.ny@example.se"]


def test_a_new_main_contact_makes_the_earlier_main_a_deputy(engine, clock):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    page = f"/roster/committees/{committee_id(engine, 'Trafiknämnden')}/contacts"
    assert web.get(page).status_code == 200
    new = {"contact_name": "Nova Påhittad", "email": "nova.pahittad@example.se",
           "phone": "", "role": "main", "language": "sv"}
    assert post(web, page, page, new).status_code == 303
    assert "robin.provstrom@example.se is now a deputy for Trafiknämnden" in \
        web.get("/roster").text
    assert contact(engine, "robin.provstrom@example.se").role == "deputy"
    assert contact(engine, "nova.pahittad@example.se").role == "main"
    assert actions(engine, "contact_added")[0].detail["committee"] == "Trafiknämnden"


def test_roster_changes_need_the_csrf_token(engine, clock):
    load_roster(engine, clock())
    web = logged_in(engine, clock)
    kim = contact(engine, "kim.exempelsson@example.se")
    web.get("/roster")
    response = web.post(f"/roster/contacts/{kim.id}",
                        data={"contact_name": "X", "email": "x@example.se", "role": "main",
                              "language": "sv", "phone": ""})
    assert response.status_code == 403
    response = web.post("/roster/import", files={"file": ("k.csv", BAD.encode(), "text/csv")})
    assert response.status_code == 403
    assert contact(engine, "kim.exempelsson@example.se").name == "Kim Exempelsson"
    assert count(engine, Contact) == 4
