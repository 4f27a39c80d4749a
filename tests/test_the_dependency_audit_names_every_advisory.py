"""scripts/audit.py (run by `make test`) fails on an advisory and names the unchecked pins.

PyPI is played by a local HTTP server in the shapes the real one answers: a release page with
its advisories, or (where release pages are not served) only the project page of the newest.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

AUDIT = Path(__file__).resolve().parent.parent / "scripts" / "audit.py"
ADVISORY = {"id": "GHSA-xxxx-0000-0001", "aliases": ["CVE-2099-0001"], "fixed_in": ["1.3.1"],
            "withdrawn": None}
PAGES = {
    "/pypi/starlette/1.3.0/json": {"vulnerabilities": [ADVISORY]},
    "/pypi/jinja2/json": {"info": {"version": "3.1.6"}, "vulnerabilities": []},
    "/pypi/uvicorn/json": {"info": {"version": "0.55.0"}, "vulnerabilities": []},
}


class FakePyPI(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        page = PAGES.get(self.path)
        body = json.dumps(page).encode() if page is not None else b"{}"
        self.send_response(200 if page is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _audit(tmp_path: Path, lock: str) -> subprocess.CompletedProcess[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePyPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = tmp_path / "requirements.lock"
        path.write_text(lock, encoding="utf-8")
        env = {"AUDIT_PYPI_URL": f"http://127.0.0.1:{server.server_port}/pypi", "PATH": ""}
        return subprocess.run([sys.executable, str(AUDIT), str(path)], capture_output=True,
                              text=True, env=env, timeout=60)
    finally:
        server.shutdown()
        server.server_close()


def test_an_advisory_on_a_pinned_release_fails_the_audit_with_its_ids_and_fix(tmp_path):
    result = _audit(tmp_path, "starlette==1.3.0 \\\n    --hash=sha256:00\njinja2==3.1.6\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "starlette 1.3.0: GHSA-xxxx-0000-0001, CVE-2099-0001 (fixed in 1.3.1)" in result.stdout
    assert "2 of 2 pinned packages checked, 1 known advisories" in result.stdout


def test_a_pin_older_than_the_newest_is_named_unchecked_when_only_the_project_page_answers(
        tmp_path):
    result = _audit(tmp_path, "jinja2==3.1.6\nuvicorn==0.54.0\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not checked" in result.stdout and "uvicorn 0.54.0 (newest 0.55.0)" in result.stdout
    assert "1 of 2 pinned packages checked, 0 known advisories" in result.stdout
