"""The pacer as PTB's rate limiter: every call PTB makes goes through `Pacer.call`."""

from __future__ import annotations

from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.runtime.edge import Lane
from bot.runtime.pacing import Pacer, seconds

# PTB result types, as BaseRateLimiter declares them.
Result = bool | dict[str, Any] | list[dict[str, Any]]


def retry_after_of(error: BaseException) -> float | None:
    return seconds(error.retry_after) if isinstance(error, RetryAfter) else None


class PtbRateLimiter(BaseRateLimiter[Lane]):
    """`rate_limit_args` is the call's `Lane` (the outbox sender passes its own)."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> Result:
        result: Result = await self.pacer.call(
            lambda: callback(*args, **kwargs),
            method=endpoint,
            chat_id=data.get("chat_id"),
            retry_after_of=retry_after_of,
            lane=rate_limit_args or Lane(),
        )
        return result
