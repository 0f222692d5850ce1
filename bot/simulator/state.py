"""In-memory Telegram: users, chats with their messages, pending updates, callback queries."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.simulator.models import SimMessage

# What getUpdates delivers when allowed_updates is empty: everything except these.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wakes everyone waiting for the simulator state to change."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def fire(self) -> None:
        """Something changed: wake all current waiters."""
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``predicate()`` holds (True) or ``seconds`` pass (False)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            if self._event is None:
                self._event = asyncio.Event()
            event = self._event
            if predicate():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


@dataclass
class UserInfo:
    """A Telegram account."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        """User JSON."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class Chat:
    """A chat with everything sent in it."""

    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    user: UserInfo | None = None
    known: bool = False  # the bot may only write to chats that wrote to it first
    next_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    bot_messages: dict[int, SimMessage] = field(default_factory=dict)
    log: list[SimMessage] = field(default_factory=list)
    cursor: int = 0
    reply_keyboard: list[list[dict[str, Any]]] | None = None
    one_time_keyboard: bool = False
    last_touch: float = 0.0
    actions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Chat JSON as embedded in messages."""
        if self.user is not None:
            data = self.user.to_json()
            data.pop("is_bot", None)
            data.pop("language_code", None)
            return {**data, "type": self.type}
        return {"id": self.id, "title": self.title or "", "type": self.type}

    def new_message(self, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """Allocate the next message_id and store the message JSON."""
        message = {
            "message_id": self.next_id,
            "from": sender,
            "chat": self.to_json(),
            "date": int(time.time()),
            **content,
        }
        self.messages[self.next_id] = message
        self.next_id += 1
        return message


@dataclass
class CallbackQuery:
    """A button press waiting for answerCallbackQuery."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False


@dataclass
class PendingUpdate:
    """An update not yet confirmed by the bot."""

    update_id: int
    body: dict[str, Any]
    chat_id: int | None
    delivered: bool = False

    @property
    def kind(self) -> str:
        """Update type: message, callback_query, ..."""
        return next((k for k in self.body if k != "update_id"), "")


class UpdateQueue:
    """Updates in id order; confirmed (removed) only when the bot asks for a higher offset."""

    def __init__(self, first_id: int = 1) -> None:
        self._next_id = first_id
        self.pending: list[PendingUpdate] = []
        self.allowed: list[str] | None = None

    def push(self, kind: str, payload: dict[str, Any], chat_id: int | None) -> int:
        """Queue an update; returns its update_id."""
        update_id = self._next_id
        self._next_id += 1
        self.pending.append(
            PendingUpdate(update_id, {"update_id": update_id, kind: payload}, chat_id)
        )
        return update_id

    def confirm(self, offset: int) -> None:
        """getUpdates offset semantics, including negative offsets (keep the last N)."""
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset > 0:
            self.pending = [u for u in self.pending if u.update_id >= offset]

    def drop_all(self) -> None:
        """drop_pending_updates."""
        self.pending.clear()

    def is_allowed(self, update: PendingUpdate) -> bool:
        """Does allowed_updates let this update through?"""
        if self.allowed:
            return update.kind in self.allowed
        return update.kind not in _OPT_IN_UPDATES

    def drop_disallowed(self) -> None:
        """Telegram silently discards updates the bot did not ask for."""
        self.pending = [u for u in self.pending if self.is_allowed(u)]

    def undelivered(self, chat_id: int) -> bool:
        """Is an update for this chat still waiting to be fetched?"""
        return any(u.chat_id == chat_id and not u.delivered for u in self.pending)
