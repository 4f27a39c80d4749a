"""Free ports and waiting for a condition: tests never sleep a fixed time for something."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now, never the same one twice in this test process."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_until(check: Callable[[], T], timeout: float = 20.0, what: str = "condition",
               interval: float = 0.05) -> T:
    """Poll `check` until it returns something truthy, and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        if result := check():
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def holds_for(check: Callable[[], object], seconds: float, what: str = "condition",
              interval: float = 0.05) -> None:
    """`check` stays truthy for `seconds`: for what must *not* happen, which has no event
    to wait for (a standby that must keep leaving the poller alone, say)."""
    deadline = time.monotonic() + seconds
    while True:
        assert check(), f"no longer true: {what}"
        if time.monotonic() >= deadline:
            return
        time.sleep(interval)
