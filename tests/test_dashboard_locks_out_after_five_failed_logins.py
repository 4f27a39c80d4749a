"""Five wrong passwords lock the account for 15 minutes, even against the right one."""

from __future__ import annotations

from tests.support.dashboard import ANNA, add_account, client, login


def test_the_sixth_try_is_refused_until_fifteen_minutes_have_passed(engine, clock):
    add_account(engine, clock)
    web = client(engine, clock)
    for _ in range(5):
        assert login(web, ANNA, "fel lösenord").status_code == 401
    locked = login(web, ANNA)
    assert locked.status_code == 429 and "låst" in locked.text
    clock.advance(minutes=14)
    assert login(web, ANNA).status_code == 429
    clock.advance(minutes=2)
    assert login(web, ANNA).status_code == 303


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(engine, clock):
    add_account(engine, clock)
    web = client(engine, clock)
    unknown = login(web, "ingen@example.se", "vad som helst")
    wrong = login(web, ANNA, "vad som helst")
    assert unknown.status_code == wrong.status_code == 401
    assert "Fel e-postadress eller lösenord" in unknown.text
