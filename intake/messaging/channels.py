"""The channels a process can send on, registered by name: transport and undeliverable hook.

`serve` and `intake remind` register what runs there (mail always, Telegram with a token,
SMS with a gateway); the outbox looks a row's channel up here, so a new channel is one
registration and no branch anywhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from intake.messaging.outbox import Delivery, PermanentError, Sent
    from storage.models import Outbox

    SendOne = Callable[[Delivery], Awaitable[str | Sent | None]]
    # Outcomes in the order of the deliveries: an id, a Sent, or the exception it raised.
    SendBatch = Callable[[Sequence[Delivery]], Awaitable[list[Any]]]
    Hook = Callable[[Session, Outbox, PermanentError, datetime], None]


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
