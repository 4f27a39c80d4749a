"""`make run` installs the runtime: the runtime lock and the runtime Debian packages, no test
tooling; the runtime lock holds none of the [test] extra; both locks agree on shared pins."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([a-z0-9][a-z0-9._-]*)==(\S+)", re.MULTILINE)
# markdown-it-py is in the test extra but also runtime (Typer -> Rich), so it is not listed.
TEST_TOOLS = ("pytest", "ruff", "playwright")  # httpx2 runs the OAuth and OIDC calls too


def _pins(name: str) -> dict[str, str]:
    return dict(PIN.findall((ROOT / name).read_text(encoding="utf-8")))


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_n_run_names_no_test_lock_extra_or_test_package_list(tmp_path):
    # A venv folder that does not exist yet, so make shows the whole set-up.
    result = subprocess.run(["make", "-n", "run", f"VENV={tmp_path / 'venv'}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    commands = result.stdout
    assert "-r requirements.lock" in commands and "system-packages.txt" in commands
    for word in ("requirements-test.lock", "[test]", "system-packages-test.txt", "npm",
                 "chromium", "postfix"):
        assert word not in commands, word


def test_the_runtime_lock_has_no_test_tooling_and_the_same_versions_as_the_test_lock():
    runtime, test = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert {"starlette", "python-multipart", "markupsafe", "setuptools"} <= set(runtime)
    assert not set(TEST_TOOLS) & set(runtime)
    assert set(TEST_TOOLS) <= set(test)
    assert {name: test[name] for name in runtime} == runtime


def test_every_debian_package_line_says_why_it_is_there():
    for name in ("system-packages.txt", "system-packages-test.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                package, _, why = line.partition("#")
                assert package.strip() and len(why.strip()) > 10, f"{name}: {line}"
