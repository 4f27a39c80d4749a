"""Is the outgoing relay there? A cheap check for /healthz: connect, EHLO, QUIT; no mail."""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from intake.settings import Settings


async def probe_relay(settings: Settings, timeout: float = 10.0) -> str | None:
    """None when the relay answers EHLO with 250; otherwise what went wrong, in one line."""
    host, port = settings.smtp_host, settings.smtp_port
    if not host:
        return None
    context = ssl.create_default_context() if settings.smtp_tls == "tls" else None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context), timeout)
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        return f"cannot connect to {host}:{port}: {exc or type(exc).__name__}"
    try:
        greeting = await _reply(reader, timeout)
        if not greeting.startswith("220"):
            return f"{host}:{port} greets with {greeting!r}"
        writer.write(b"EHLO intake-healthcheck\r\n")
        await writer.drain()
        ehlo = await _reply(reader, timeout)
        if not ehlo.startswith("250"):
            return f"{host}:{port} answers EHLO with {ehlo!r}"
        writer.write(b"QUIT\r\n")
        await writer.drain()
        return None
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
        return f"{host}:{port} stopped answering: {exc or type(exc).__name__}"
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
            await asyncio.wait_for(writer.wait_closed(), 2)


async def _reply(reader: asyncio.StreamReader, timeout: float) -> str:
    """A whole (possibly multi-line) SMTP reply; returns its last line."""
    while True:
        line = (await asyncio.wait_for(reader.readline(), timeout)).decode("ascii", "replace")
        if not line:
            raise asyncio.IncompleteReadError(b"", None)
        if len(line) < 4 or line[3] != "-":
            return line.strip()
