"""Committees are listed by kind, then by Swedish collation (å ä ö after z), everywhere."""

from __future__ import annotations

from intake.collation import committee_order
from tests.support.helpers import load_roster, open_test_round, run_cli

ROSTER = """committee,kind,contact_name,email,phone
Östermalms stadsdelsnämnd,district,Kim Exempelsson,kim.exempelsson@example.se,08
Älvsjö stadsdelsnämnd,district,Alex Testsson,alex.testsson@example.se,08
Åkeshovs stadsdelsnämnd,district,Robin Provström,robin.provstrom@example.se,08
Bromma stadsdelsnämnd,district,Sam Demosson,sam.demosson@example.se,08
Arbetsmarknadsnämnden,specialist,Noa Påhittad,noa.pahittad@example.se,08
"""
EXPECTED = ["Bromma stadsdelsnämnd", "Åkeshovs stadsdelsnämnd", "Älvsjö stadsdelsnämnd",
            "Östermalms stadsdelsnämnd", "Arbetsmarknadsnämnden"]


def test_the_order_key_puts_a_ring_a_umlaut_and_o_umlaut_after_z():
    names = ["Östermalm", "Zinkensdamm", "Älvsjö", "Åkeshov", "Aspudden"]
    ordered = sorted(names, key=lambda n: committee_order("district", n))
    assert ordered == ["Aspudden", "Zinkensdamm", "Åkeshov", "Älvsjö", "Östermalm"]


def test_status_lists_committees_in_swedish_order(cli_env, engine, clock):
    load_roster(engine, clock(), ROSTER)
    open_test_round(engine, clock())
    status = run_cli("status", "--json").json()
    assert [a["committee"] for a in status["assignments"]] == EXPECTED
