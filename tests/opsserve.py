"""`intake serve` for the operations tests: patient start (the suite may share two cores with
other work) and /healthz read whatever its status."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

from intake.paths import PROJECT_ROOT
from tests.mailserve import Serve, wait_for


def start(serve: Serve, timeout: float = 300.0) -> None:
    with serve.log.open("ab") as log:
        serve.process = subprocess.Popen(
            [sys.executable, "-m", "intake.cli", "serve"], cwd=PROJECT_ROOT, env=serve.env,
            stdout=log, stderr=subprocess.STDOUT)
    wait_for(serve._listening, timeout=timeout, what="serve to listen")
    wait_for(lambda: healthz(serve)[0] in (200, 503), timeout=timeout, what="the web server")


def healthz(serve: Serve) -> tuple[int, dict[str, Any]]:
    url = f"http://127.0.0.1:{serve.web_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return 0, {}
