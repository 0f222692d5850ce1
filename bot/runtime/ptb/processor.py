"""`ChatLines` as PTB's update processor: PTB holds the slots, the lines keep each chat's order."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.runtime.ordering import BACKLOG_NOTICE_AT, BacklogHook, ChatLines


def chat_key(update: object) -> int | None:
    """The chat whose order an update belongs to (None: no order to keep)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within one chat (see `bot.runtime.ordering`)."""

    def __init__(
        self,
        max_concurrent_updates: int,
        *,
        on_backlog: BacklogHook | None = None,
        backlog_notice_at: int = BACKLOG_NOTICE_AT,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.lines = ChatLines(on_backlog=on_backlog, backlog_notice_at=backlog_notice_at)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.lines.run(chat_key(update), coroutine, update)

    @property
    def on_backlog(self) -> BacklogHook | None:
        return self.lines.on_backlog

    @on_backlog.setter
    def on_backlog(self, hook: BacklogHook | None) -> None:
        self.lines.on_backlog = hook

    def backlog(self, chat_id: int) -> int:
        return self.lines.backlog(chat_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: queued updates are handled by the call that queued them."""
