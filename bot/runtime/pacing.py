"""One view of Telegram's limits for every call the bot makes (replies and the outbox alike).

Framework-free: each runtime routes every Bot API call through `Pacer.call` (PTB as its rate
limiter, aiogram as a session middleware), so nothing reaches Telegram around it:
- New messages share one global bucket (SEND_RATE, default 25/s; Telegram allows about 30).
  It holds only BURST_SECONDS of sends, so a burst stays far under Telegram's own headroom:
  we count a send when we let it go, Telegram when it arrives, and a network hiccup (or a
  stalled process) makes the sends held back arrive together with those the bucket allows
  when it clears. With a bucket of a whole second that was the outbox's 16 in flight plus
  23 at once, and a 429; with 0.2 s it is 16 plus 3 (and 2 for replies).
- Per chat, replies are not held back (a person waits for them, and people rarely outpace
  Telegram's ~1/s), but they are counted, so the outbox sender sends unprompted messages only
  into a chat that has been quiet (see `chat_is_quiet`).
- A 429 pauses what it concerns for `retry_after`: that one chat when it had just had a burst,
  otherwise everything (we crossed the global limit). Replies are then sent again, in order,
  because the caller is still waiting for them; the outbox sender gets the 429 and re-queues.
- Replies go first: the outbox lane takes a token only while REPLY_SHARE of a second's sends
  stays free in the bucket, so a reply never queues behind a broadcast's sends. The outbox
  still gets the full SEND_RATE when nobody writes (the bucket drains at SEND_RATE whatever
  its level).
- Outbox sends take their turns in one line ordered by their row's priority (then arrival),
  so a status change claimed during a broadcast goes next, not after the bulk rows that were
  claimed before it (`bot.runtime.edge.Lane`).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiolimiter import AsyncLimiter

from bot.runtime.edge import REPLY, Lane

log = logging.getLogger(__name__)

# Calls that put a new message into a chat: Telegram's flood limits count these.
NEW_MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendPoll",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
REPLY_RETRIES = 8
# Telegram tolerates short bursts in a private chat, then about one message a second.
CHAT_BURST = 3
CHAT_RATE = 1.0
# The global bucket holds this many seconds of SEND_RATE (5 messages at the default 25/s).
BURST_SECONDS = 0.2
# Share of a second's sends the outbox leaves free in the bucket for replies (2 at 25/s).
REPLY_SHARE = 0.1
# Forget a chat's bucket once it has drained; keeps memory flat with thousands of people.
PRUNE_EVERY = 2048


@dataclass(order=True)
class _Turn:
    """An outbox send waiting for the global bucket: (priority, arrival) orders the line."""

    priority: int
    arrival: int
    woken: asyncio.Future[None] | None = field(default=None, compare=False)


T = TypeVar("T")
# The runtime's reading of an error: seconds to wait when it is a 429, else None.
RetryAfterOf = Callable[[BaseException], float | None]


def seconds(value: Any) -> float:
    """A `retry_after` in seconds (an int, or a timedelta in some PTB settings)."""
    return float(value.total_seconds()) if hasattr(value, "total_seconds") else float(value)


class Pacer:
    """Global bucket, per-chat view, 429 pauses and retries; see the module docstring."""

    def __init__(self, rate: float, *, reply_retries: int = REPLY_RETRIES) -> None:
        self.rate = rate
        self.burst = max(1, round(rate * BURST_SECONDS))
        self._global = AsyncLimiter(self.burst, self.burst / rate)
        self._chats: dict[int, AsyncLimiter] = {}
        self._paused_until = 0.0
        self._chat_paused_until: dict[int, float] = {}
        self._reply_retries = reply_retries
        # Tokens the outbox lane leaves in the bucket for replies (none at a very low rate).
        self._reply_reserve = min(int(rate * REPLY_SHARE), self.burst - 1)
        self._line: list[_Turn] = []  # outbox sends waiting, a heap: its head asks the bucket
        self._arrivals = itertools.count()
        self.rate_limited = 0  # 429s seen (for tests and the benchmark)

    async def call(
        self,
        invoke: Callable[[], Awaitable[T]],
        *,
        method: str,
        chat_id: object,
        retry_after_of: RetryAfterOf,
        lane: Lane = REPLY,
    ) -> T:
        """Wait for our turn, make the call, and wait out a 429 (replies) or pass it on.

        `method` is the Bot API method ("sendMessage"); `chat_id` its chat (anything but an
        int — a channel's @name, none — is not paced per chat).
        """
        chat = chat_id if isinstance(chat_id, int) else None
        counted = method in NEW_MESSAGE_METHODS
        for attempt in range(self._reply_retries + 1):
            if counted:
                await self._wait_turn(chat, outbox=lane.outbox, priority=lane.priority)
            try:
                return await invoke()
            except Exception as error:
                delay = retry_after_of(error)
                if delay is None:
                    raise
                self.rate_limited += 1
                self._pause(chat, delay)
                if lane.outbox or attempt == self._reply_retries:
                    raise
                log.info("%s to chat %s hit 429: sending again in %.0fs", method, chat, delay)
        raise AssertionError("unreachable")

    def chat_is_quiet(self, chat_id: int) -> bool:
        """True when an unprompted message may go to this chat now without a burst."""
        if self._chat_paused_until.get(chat_id, 0.0) > self._now():
            return False
        bucket = self._chats.get(chat_id)
        return bucket is None or bucket.has_capacity(CHAT_BURST)

    def paused_for(self) -> float:
        """Seconds until a global 429 pause ends (0 when not paused)."""
        return max(0.0, self._paused_until - self._now())

    async def _wait_turn(
        self, chat: int | None, *, outbox: bool = False, priority: int = 0
    ) -> None:
        # A loop, not one sleep: another 429 may lengthen the pause while we wait.
        while (until := max(self._paused_until, self._chat_pause(chat))) > self._now():  # noqa: ASYNC110
            await asyncio.sleep(until - self._now())
        if outbox:  # stay out of the bucket's queue, so replies never wait behind the outbox
            await self._outbox_turn(priority)
        await self._global.acquire()  # at once after an outbox turn: the bucket had room
        if chat is not None:
            bucket = self._bucket(chat)
            if bucket.has_capacity():  # count it; a reply is never held for its own chat
                await bucket.acquire()

    async def _outbox_turn(self, priority: int) -> None:
        """Wait until this send heads the outbox line and the bucket has room beyond the
        replies' share. Only the head polls the bucket; the others sleep until they head."""
        me = _Turn(priority, next(self._arrivals))
        heapq.heappush(self._line, me)
        try:
            while True:
                if self._line[0] is me:
                    room = self._global.has_capacity(1 + self._reply_reserve)
                    if room and self._paused_until <= self._now():  # a 429 may have come
                        return
                    await asyncio.sleep(1 / self.rate)
                else:
                    me.woken = asyncio.get_running_loop().create_future()
                    await me.woken
        finally:
            self._line.remove(me)
            heapq.heapify(self._line)
            if self._line and (head := self._line[0]).woken and not head.woken.done():
                head.woken.set_result(None)

    def _pause(self, chat: int | None, delay: float) -> None:
        """Pause the chat after its own burst; otherwise everything (the global limit)."""
        until = self._now() + delay
        bucket = self._chats.get(chat) if chat is not None else None
        if chat is not None and bucket is not None and not bucket.has_capacity():
            self._chat_paused_until[chat] = max(self._chat_pause(chat), until)
            log.warning("Telegram asked to slow down in chat %s for %.0fs", chat, delay)
        else:
            self._paused_until = max(self._paused_until, until)
            log.warning("Telegram asked to slow down: all sending paused for %.0fs", delay)

    def _chat_pause(self, chat: int | None) -> float:
        return self._chat_paused_until.get(chat, 0.0) if chat is not None else 0.0

    def _bucket(self, chat: int) -> AsyncLimiter:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= PRUNE_EVERY:
                self._prune()
            bucket = self._chats[chat] = AsyncLimiter(CHAT_BURST, CHAT_BURST / CHAT_RATE)
        return bucket

    def _prune(self) -> None:
        now = self._now()
        for chat, bucket in list(self._chats.items()):
            if bucket.has_capacity(CHAT_BURST) and self._chat_paused_until.get(chat, 0) <= now:
                del self._chats[chat]
                self._chat_paused_until.pop(chat, None)

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()
