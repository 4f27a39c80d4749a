"""Token buckets that keep the bot under Telegram's send limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class TokenBucket:
    """`rate` tokens a second, up to `burst` saved; a rate of 0 means no limit."""

    def __init__(self, rate: float, burst: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self._monotonic = rate, max(burst, 1.0), monotonic
        self.tokens, self.updated = self.burst, monotonic()

    def delay(self) -> float:
        """Take a token; return how long to wait before using it."""
        if self.rate <= 0:
            return 0.0
        now = self._monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class SendLimiter:
    """~25 messages a second overall and ~1 a second per chat (bursts of a few allowed)."""

    def __init__(self, overall: float = 25.0, per_chat: float = 1.0, chat_burst: float = 3.0):
        self.overall = TokenBucket(overall, burst=overall)
        self.per_chat, self.chat_burst = per_chat, chat_burst
        self.chats: dict[str, TokenBucket] = {}

    async def wait(self, chat: str) -> None:
        bucket = self.chats.get(chat)
        if bucket is None:
            if len(self.chats) > 10_000:
                self.chats.clear()  # idle buckets are full anyway: forget them, stay small
            bucket = self.chats[chat] = TokenBucket(self.per_chat, self.chat_burst)
        wait = max(bucket.delay(), self.overall.delay())
        if wait > 0:
            await asyncio.sleep(wait)
