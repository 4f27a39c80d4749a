"""The channels a process can send on, registered by name: transport and undeliverable hook.

`serve` and `intake remind` register what runs there (mail always, Telegram with a token,
SMS with a gateway); the outbox looks a row's channel up here, so a new channel is one
registration and no branch anywhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Typed loosely on purpose: the outbox imports this module, so it imports nothing of the
# outbox. SendOne takes a Delivery and returns an id or a Sent; SendBatch returns one outcome
# per delivery, in order (an id, a Sent, or the exception it met); Hook is called with
# (session, outbox row, PermanentError, now) for a message refused for good.
SendOne = Callable[[Any], Awaitable[Any]]
SendBatch = Callable[[Sequence[Any]], Awaitable[list[Any]]]
Hook = Callable[[Any, Any, Any, Any], None]


@dataclass(frozen=True)
class Channel:
    name: str
    send: SendOne
    send_batch: SendBatch | None = None
    on_undeliverable: Hook | None = None


def as_channel(name: str, entry: Any) -> Channel | None:
    """A registered channel, or a bare transport callable (tests) wrapped as one."""
    if entry is None or isinstance(entry, Channel):
        return entry
    return Channel(name, entry)


class Registry(dict[str, Channel]):
    """Channels by name; `register` keeps one per name."""

    def register(self, channel: Channel) -> Channel:
        self[channel.name] = channel
        return channel
