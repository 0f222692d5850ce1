"""Each person's updates strictly in order; different people's at the same time.

PTB's extension point for this is the update processor: the application hands it every update
with the coroutine that handles it, inside a semaphore of `max_concurrent_updates` slots.

A slot is taken by the first update of a chat; while it runs, later updates of the same chat
are queued behind it and the same call handles them in turn before it gives its slot back. So
one chat never holds more than one slot (someone flooding the bot cannot starve the others),
order within a chat is the order Telegram delivered, and PTB's own shutdown, which waits for
the processing tasks it started, also waits for every queued update.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)
# More updates than this waiting behind one person's current one: they are flooding us.
BACKLOG_NOTICE_AT = 8

BacklogHook = Callable[[Update], Awaitable[None]]


def chat_key(update: object) -> int | None:
    """The chat whose order an update belongs to (None: no order to keep)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


async def _guarded(coroutine: Awaitable[Any]) -> None:
    """Handle one update; a failure must not strand the updates queued behind it."""
    try:
        await coroutine
    except Exception:  # PTB's own error handling runs inside; this is the last resort
        log.exception("an update failed outside its handler")


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within one chat."""

    def __init__(
        self,
        max_concurrent_updates: int,
        *,
        on_backlog: BacklogHook | None = None,
        backlog_notice_at: int = BACKLOG_NOTICE_AT,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._waiting: dict[int, deque[Awaitable[Any]]] = {}
        self.on_backlog = on_backlog
        self._backlog_notice_at = backlog_notice_at
        self._told: set[int] = set()  # chats told to wait during their current backlog

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run now if the chat is idle; else queue behind the chat's running update."""
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        waiting = self._waiting.get(key)
        if waiting is not None:  # this chat is being served: join its line and free the slot
            waiting.append(coroutine)
            await self._maybe_tell(key, update, len(waiting))
            return
        waiting = self._waiting[key] = deque()
        try:
            await _guarded(coroutine)
            while waiting:
                await _guarded(waiting.popleft())
        finally:
            del self._waiting[key]
            self._told.discard(key)

    async def _maybe_tell(self, key: int, update: object, backlog: int) -> None:
        """Once per backlog, tell a person who sends faster than we answer to wait a moment."""
        if backlog < self._backlog_notice_at or key in self._told or self.on_backlog is None:
            return
        self._told.add(key)
        assert isinstance(update, Update)
        try:
            await self.on_backlog(update)
        except Exception:  # a courtesy: never let it cost the update itself
            log.warning("could not tell chat %s to wait", key, exc_info=True)

    def backlog(self, chat_id: int) -> int:
        """Updates of this chat waiting behind the one being handled (for tests and metrics)."""
        return len(self._waiting.get(chat_id, ()))

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: queued updates are handled by the call that queued them."""
