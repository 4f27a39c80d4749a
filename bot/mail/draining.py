"""Stopping the inbound SMTP server without losing a mail: finish what is in hand, refuse the
rest with 421 so the sending server keeps it and tries again later (RFC 5321, 3.8).

Wraps whatever protocol factory the mail channel builds, so it adds to the server's own
behaviour instead of replacing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiosmtpd.smtp import SMTP

SHUTTING_DOWN = "421 4.3.2 Service shutting down, please try again later"


class SmtpGate:
    """Counts SMTP commands in progress; once draining, every new command is answered 421."""

    def __init__(self) -> None:
        self.draining = False
        self.busy = 0
        self.sessions: set[SMTP] = set()

    def wrap(self, factory: Callable[[], SMTP]) -> Callable[[], SMTP]:
        def make() -> SMTP:
            protocol = factory()
            self._guard(protocol)
            return protocol
        return make

    def _guard(self, protocol: SMTP) -> None:
        # aiosmtpd dispatches each command through this per-connection table.
        methods: dict[str, Any] = protocol._smtp_methods
        for command, method in list(methods.items()):
            if command != "QUIT":
                methods[command] = self._gated(protocol, method)
        made, lost = protocol.connection_made, protocol.connection_lost

        def connection_made(transport: Any) -> None:
            self.sessions.add(protocol)
            made(transport)

        def connection_lost(error: Exception | None) -> None:
            self.sessions.discard(protocol)
            lost(error)

        protocol.connection_made = connection_made  # type: ignore[method-assign]
        protocol.connection_lost = connection_lost  # type: ignore[method-assign]

    def _gated(self, protocol: SMTP,
               method: Callable[[str | None], Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def command(arg: str | None) -> None:
            if self.draining:
                await protocol.push(SHUTTING_DOWN)
                if protocol.transport is not None:
                    protocol.transport.close()
                return
            self.busy += 1
            try:
                await method(arg)  # a DATA in progress is stored before this returns
            finally:
                self.busy -= 1
        return command

    async def drain(self, timeout: float) -> bool:
        """Refuse new commands, wait for those in hand, then say 421 to idle connections.

        Returns True when nothing was cut off within `timeout` seconds.
        """
        self.draining = True
        deadline = time.monotonic() + timeout
        while self.busy and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        clean = self.busy == 0
        for protocol in list(self.sessions):
            transport = protocol.transport
            if transport is not None and not transport.is_closing():
                with contextlib.suppress(Exception):
                    transport.write(SHUTTING_DOWN.encode() + b"\r\n")
                transport.close()
        return clean
