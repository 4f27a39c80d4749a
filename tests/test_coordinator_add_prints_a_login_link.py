"""`intake coordinator add`: a one-time link on standard output; a password from stdin."""

from __future__ import annotations

from sqlmodel import select

from storage.db import transaction
from storage.models import Coordinator
from tests.support.dashboard import client, login
from tests.support.helpers import run_cli


def test_the_command_prints_a_link_that_logs_in(cli_env, engine, clock, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://uppfoljning.example.se/")
    result = run_cli("coordinator", "add", "Cleo.Samordnare@example.se")
    assert result.exit_code == 0
    link = result.stdout.strip()
    assert link.startswith("https://uppfoljning.example.se/login/")
    with transaction(engine) as session:
        account = session.exec(select(Coordinator)).one()
    assert account.email == "cleo.samordnare@example.se" and account.password_hash is None
    web = client(engine, clock)
    assert web.get(link.split(".se", 1)[1], follow_redirects=False).status_code == 303


def test_password_stdin_sets_an_argon2_password(cli_env, engine, clock):
    result = run_cli("coordinator", "add", "cleo.samordnare@example.se", "--password-stdin",
                     input="ett långt lösenord\n")
    assert result.exit_code == 0 and "/login/" in result.stdout
    with transaction(engine) as session:
        assert session.exec(select(Coordinator)).one().password_hash.startswith("$argon2")
    web = client(engine, clock)
    assert login(web, "cleo.samordnare@example.se", "ett långt lösenord").status_code == 303


def test_bad_input_is_one_line_and_exit_1(cli_env):
    result = run_cli("coordinator", "add", "inte-en-adress")
    assert result.exit_code == 1 and result.stderr.strip().startswith("error: not an e-mail")
    result = run_cli("coordinator", "add", "cleo@example.se", "--password-stdin", input="kort\n")
    assert result.exit_code == 1 and "at least 8 characters" in result.stderr
