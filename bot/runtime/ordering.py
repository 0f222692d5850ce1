"""Each person's updates strictly in order; different people's at the same time.

A chat's first update takes one of the slots; while it runs, later updates of the same chat
are queued behind it and the same call handles them in turn before it gives its slot back. So
one chat never holds more than one slot (someone flooding the bot cannot starve the others),
order within a chat is the order Telegram delivered, and whoever waits for the call that
took the slot (PTB's shutdown, aiogram's polling tasks) also waits for every queued update.

Framework-free: PTB plugs this in as its update processor (`bot.runtime.ptb.processor`, PTB
holds the slots), aiogram as an outer middleware (`bot.runtime.aiogram`, `ChatLines` holds
them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)
# More updates than this waiting behind one person's current one: they are flooding us.
BACKLOG_NOTICE_AT = 8

# Told once per backlog; gets the update that made the backlog long (the framework's own).
BacklogHook = Callable[[Any], Awaitable[None]]


async def _guarded(coroutine: Awaitable[Any]) -> None:
    """Handle one update; a failure must not strand the updates queued behind it."""
    try:
        await coroutine
    except Exception:  # the runtime's own error handling runs inside; this is the last resort
        log.exception("an update failed outside its handler")


class ChatLines:
    """Concurrent across chats, sequential within one chat."""

    def __init__(
        self,
        slots: int | None = None,
        *,
        on_backlog: BacklogHook | None = None,
        backlog_notice_at: int = BACKLOG_NOTICE_AT,
    ) -> None:
        # None: the caller already holds a slot for every call (PTB's processor).
        self._slots = asyncio.Semaphore(slots) if slots else None
        self._waiting: dict[int, deque[Awaitable[Any]]] = {}
        self.on_backlog = on_backlog
        self._backlog_notice_at = backlog_notice_at
        self._told: set[int] = set()  # chats told to wait during their current backlog

    async def run(self, key: int | None, coroutine: Awaitable[Any], update: Any = None) -> None:
        """Run now if the chat is idle; else queue behind the chat's running update.

        `key` is the chat (None: no order to keep); `update` is what `on_backlog` is given.
        """
        if key is None:
            async with self._slot():
                await coroutine
            return
        waiting = self._waiting.get(key)
        if waiting is not None:  # this chat is being served: join its line, take no slot
            waiting.append(coroutine)
            await self._maybe_tell(key, update, len(waiting))
            return
        waiting = self._waiting[key] = deque()
        try:
            async with self._slot():
                await _guarded(coroutine)
                while waiting:
                    await _guarded(waiting.popleft())
        finally:
            del self._waiting[key]
            self._told.discard(key)
            for left in waiting:  # cancelled while others queued: they will never run
                if asyncio.iscoroutine(left):
                    left.close()

    def _slot(self) -> contextlib.AbstractAsyncContextManager[Any]:
        return self._slots if self._slots is not None else contextlib.nullcontext()

    async def _maybe_tell(self, key: int, update: Any, backlog: int) -> None:
        """Once per backlog, tell a person who sends faster than we answer to wait a moment."""
        if backlog < self._backlog_notice_at or key in self._told or self.on_backlog is None:
            return
        self._told.add(key)
        try:
            await self.on_backlog(update)
        except Exception:  # a courtesy: never let it cost the update itself
            log.warning("could not tell chat %s to wait", key, exc_info=True)

    def backlog(self, chat_id: int) -> int:
        """Updates of this chat waiting behind the one being handled (for tests and metrics)."""
        return len(self._waiting.get(chat_id, ()))
