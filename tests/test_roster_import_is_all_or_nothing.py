"""`intake roster import`: idempotent upsert; every bad row named by line; then nothing."""

from __future__ import annotations

from sqlmodel import select

from intake.paths import PROJECT_ROOT
from storage.db import transaction
from storage.models import Committee, Contact
from tests.support.helpers import ROSTER, run_cli


def _counts(engine):
    with transaction(engine) as session:
        return (len(session.exec(select(Committee)).all()),
                len(session.exec(select(Contact)).all()))


def test_the_sample_roster_imports_twice_without_changes(cli_env, engine):
    path = PROJECT_ROOT / "samples" / "roster.csv"
    first = run_cli("roster", "import", str(path))
    assert first.exit_code == 0, first.stderr
    counts = _counts(engine)
    assert counts[0] >= 28
    second = run_cli("roster", "import", str(path))
    assert second.exit_code == 0
    assert "0 committees created, 0 contacts created, 0 updated" in second.stdout
    assert _counts(engine) == counts


def test_semicolons_and_a_byte_order_mark_as_swedish_excel_writes(cli_env, engine, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + ROSTER.replace(",", ";")).encode("utf-8"))
    result = run_cli("roster", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert _counts(engine) == (3, 4)
    with transaction(engine) as session:
        query = select(Contact).where(Contact.email == "kim.exempelsson@example.se")
        kim = session.exec(query).one()
        assert kim.role == "main" and kim.phone == "08-000 00 00"


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(cli_env, engine, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "committee,kind,contact_name,email,phone\n"
        "Norrmalms stadsdelsnämnd,district,Kim Exempelsson,kim.exempelsson@example.se,08\n"
        "Trafiknämnden,county,Robin Provström,robin.provstrom@example.se,08\n"
        "Kulturnämnden,specialist,Sam Demosson,not-an-address,08\n"
        "Idrottsnämnden,specialist,,noa@example.se,08\n"
        "Norrmalms stadsdelsnämnd,company,Alex Testsson,alex.testsson@example.se,08\n",
        encoding="utf-8",
    )
    result = run_cli("roster", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: unknown kind 'county'" in result.stderr
    assert f"{path}:4: not an e-mail address: 'not-an-address'" in result.stderr
    assert f"{path}:5: contact_name is empty" in result.stderr
    assert f"{path}:6: 'Norrmalms stadsdelsnämnd' is company here but district on line 2" \
        in result.stderr
    assert _counts(engine) == (0, 0)


def test_a_missing_column_is_reported(cli_env, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("committee,kind,email\nX,district,x@example.se\n", encoding="utf-8")
    result = run_cli("roster", "import", str(path))
    assert result.exit_code == 1
    assert "missing column(s) contact_name, phone" in result.stderr


def test_a_kind_that_conflicts_with_the_database_is_refused(cli_env, engine, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text(ROSTER, encoding="utf-8")
    assert run_cli("roster", "import", str(first)).exit_code == 0
    second = tmp_path / "b.csv"
    second.write_text("committee,kind,contact_name,email,phone\n"
                      "Trafiknämnden,company,Ny Person,ny.person@example.se,08\n", encoding="utf-8")
    result = run_cli("roster", "import", str(second))
    assert result.exit_code == 1
    assert "'Trafiknämnden' is already registered as specialist, not company" in result.stderr
    with transaction(engine) as session:
        query = select(Contact).where(Contact.email == "ny.person@example.se")
        assert session.exec(query).first() is None


def test_text_that_is_not_utf8_is_refused(cli_env, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(ROSTER.encode("utf-16"))
    result = run_cli("roster", "import", str(path))
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr
