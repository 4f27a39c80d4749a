"""deploy/: the systemd unit passes `systemd-analyze verify` with nothing ignored; the compose
file is valid YAML with PostgreSQL (no container runtime here to run it); the Postfix
forward is exercised with a real Postfix in its own test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from intake.paths import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def _unit() -> str:
    return (DEPLOY / "intake.service").read_text()


def test_the_unit_runs_intake_serve_hardened_with_an_environment_file():
    unit = _unit()
    assert "ExecStart=/opt/intake/.venv/bin/intake serve" in unit
    assert "EnvironmentFile=/etc/intake/intake.env" in unit
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                   "PrivateTmp=yes", "CapabilityBoundingSet=", "SystemCallFilter=@system-service",
                   "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "KillSignal=SIGTERM"):
        assert option in unit.splitlines(), option


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_accepts_every_line_of_the_unit(tmp_path):
    # The paths of this checkout instead of /opt/intake, so ExecStart's program exists here.
    intake = Path(sys.executable).parent / "intake"
    unit = (_unit().replace("/opt/intake/.venv/bin/intake", str(intake))
            .replace("WorkingDirectory=/opt/intake", f"WorkingDirectory={PROJECT_ROOT}")
            .replace("EnvironmentFile=/etc/intake/intake.env",
                     f"EnvironmentFile={tmp_path / 'intake.env'}")
            .replace("User=intake", "User=root").replace("Group=intake", "Group=root"))
    (tmp_path / "intake.env").write_text("DATABASE_URL=\n")
    path = tmp_path / "intake.service"
    path.write_text(unit)
    result = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True,
                            text=True, timeout=60)
    # verify exits 0 even when it ignores a line it cannot parse: stderr must be empty too.
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_the_compose_file_is_valid_yaml_with_postgresql():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    intake = services["intake"]
    assert intake["depends_on"]["db"]["condition"] == "service_healthy"
    assert intake["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert intake["stop_signal"] == "SIGTERM"
    assert "/healthz" in " ".join(intake["healthcheck"]["test"])
    assert (DEPLOY / intake["build"]["dockerfile"].removeprefix("deploy/")).exists()
    assert set(compose["volumes"]) == {"pgdata", "intake-var"}


def test_the_postfix_transport_names_the_reply_domain_and_the_inbound_port():
    transport = [line.split() for line in (DEPLOY / "postfix" / "transport").read_text()
                 .splitlines() if line.strip() and not line.startswith("#")]
    assert transport == [["svar.example.se", "smtp:[127.0.0.1]:8025"]]
    snippet = (DEPLOY / "postfix" / "main.cf.snippet").read_text()
    assert "transport_maps = hash:/etc/postfix/transport" in snippet
