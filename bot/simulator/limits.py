"""Flood control: token buckets per chat, per group and overall, answering 429 like Telegram."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Methods that post a new message count against the limits; edits and answers do not.
LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendLocation",
        "sendSticker",
        "sendVoice",
        "sendContact",
        "copyMessage",
        "forwardMessage",
    }
)


@dataclass
class Limits:
    """Bucket sizes. ``human_pause``: see :meth:`RateLimiter.user_acted`."""

    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    global_per_second: float = 30.0
    global_burst: int = 30
    per_group_per_minute: float = 20.0
    per_group_burst: int = 20
    human_pause: float = 3.0


@dataclass
class TokenBucket:
    """Holds up to ``capacity`` tokens, refilled at ``rate`` per second."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last look."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is there now)."""
        self.refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class RateLimiter:
    """All buckets; ``limits=None`` switches flood control off."""

    limits: Limits | None
    _chats: dict[int, TokenBucket] = field(default_factory=dict)
    _global: TokenBucket | None = None

    def _bucket(self, chat_id: int, now: float) -> TokenBucket:
        assert self.limits is not None
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if chat_id < 0:
                rate, burst = self.limits.per_group_per_minute / 60, self.limits.per_group_burst
            else:
                rate, burst = self.limits.per_chat_per_second, self.limits.per_chat_burst
            bucket = self._chats[chat_id] = TokenBucket(rate, burst, burst, now)
        return bucket

    def acquire(self, chat_id: int, now: float) -> int | None:
        """Take a token for one message; None if allowed, else retry_after in seconds."""
        if self.limits is None:
            return None
        if self._global is None:
            lim = self.limits
            self._global = TokenBucket(
                lim.global_per_second, lim.global_burst, lim.global_burst, now
            )
        chat = self._bucket(chat_id, now)
        wait = max(chat.wait_time(now), self._global.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        chat.tokens -= 1
        self._global.tokens -= 1
        return None

    def user_acted(self, chat_id: int, now: float) -> None:
        """Credit a chat as if a person had paused ``human_pause`` seconds before acting.

        Simulated users answer in milliseconds, so without this a normal conversation test
        would outrun the per-chat limit that real people never come near. Bursts the bot
        makes on its own (reminders, broadcasts) get no credit and still hit 429.
        """
        if self.limits is None:
            return
        bucket = self._bucket(chat_id, now)
        bucket.refill(now)
        bucket.tokens = min(bucket.capacity, bucket.tokens + bucket.rate * self.limits.human_pause)
