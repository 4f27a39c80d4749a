"""Running `intake serve` as a real subprocess for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


@contextmanager
def running_serve(env: dict[str, str], var_dir: Path) -> Iterator[dict[str, int]]:
    """Start `intake serve` on free ports; yields the ports; stopped with SIGTERM after."""
    ports = {"smtp": free_port(), "web": free_port()}
    full_env = os.environ | env | {
        "INBOUND_SMTP_HOST": "127.0.0.1", "INBOUND_SMTP_PORT": str(ports["smtp"]),
        "WEB_HOST": "127.0.0.1", "WEB_PORT": str(ports["web"]), "INTAKE_VAR_DIR": str(var_dir),
    }
    log = open(var_dir.parent / f"serve-{ports['web']}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "intake.cli", "serve"], env=full_env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(ports["web"])
        wait_for_port(ports["smtp"])
        yield ports | {"pid": process.pid}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_until(predicate: Callable[[], T], timeout: float = 20.0) -> T:
    """Poll `predicate` until it returns something truthy; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s")


def http_get(port: int, path: str = "/") -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read().decode("utf-8")
