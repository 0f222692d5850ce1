"""Reading side of a chat, shared by SimUser and SimGroup: replies, waiting, pressing buttons."""

from __future__ import annotations

import asyncio
import copy
import secrets
import zlib
from typing import TYPE_CHECKING, Any

from bot.simulator.models import SimMessage
from bot.simulator.state import CallbackQuery, Chat

if TYPE_CHECKING:
    from bot.simulator.driver import SimUser
    from bot.simulator.simulator import Simulator


class ChatView:
    """One chat as a participant sees it."""

    def __init__(self, sim: Simulator, chat_id: int) -> None:
        self.sim = sim
        self.chat_id = chat_id

    @property
    def chat(self) -> Chat:
        """The chat's state."""
        return self.sim.chats[self.chat_id]

    @property
    def inbox(self) -> list[SimMessage]:
        """Every bot message in this chat that is not deleted, in its current state."""
        return [m for m in self.chat.log if not m.deleted]

    @property
    def last(self) -> SimMessage | None:
        """The latest bot message still in the chat."""
        inbox = self.inbox
        return inbox[-1] if inbox else None

    @property
    def unread(self) -> list[SimMessage]:
        """Bot messages not yet returned by replies()/reply() nor cleared."""
        return self.chat.log[self.chat.cursor :]

    @property
    def actions(self) -> list[str]:
        """Chat actions ('typing', ...) the bot sent here."""
        return self.chat.actions

    def clear(self) -> None:
        """Mark every bot message so far as read."""
        self.chat.cursor = len(self.chat.log)

    # The public API takes timeouts as parameters on purpose (tests read better that way).
    async def replies(self, count: int = 1, timeout: float = 10.0) -> list[SimMessage]:  # noqa: ASYNC109
        """Wait for ``count`` new bot messages (in send order) and mark them read."""
        chat = self.chat
        arrived = await self.sim.signal.wait_until(
            lambda: len(chat.log) - chat.cursor >= count, timeout
        )
        got = chat.log[chat.cursor : chat.cursor + count]
        if not arrived:
            errors = "; ".join(f"{m} -> {code} {d}" for m, code, d in self.sim.errors[-5:])
            raise AssertionError(
                f"chat {self.chat_id}: expected {count} new bot message(s) within {timeout}s, "
                f"got {len(got)}: {[m.text for m in got]}; last Bot API errors: {errors or 'none'}"
            )
        chat.cursor += count
        return got

    async def reply(self, timeout: float = 10.0) -> SimMessage:  # noqa: ASYNC109
        """Wait for the next new bot message."""
        return (await self.replies(1, timeout))[0]

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot fetched this chat's updates and left the chat alone ``quiet`` s."""
        sim = self.sim
        deadline = sim.now() + timeout
        while True:
            now = sim.now()
            # A press counts as handled once the bot answered its callback query.
            busy = sim.updates.undelivered(self.chat_id) or any(
                q.chat_id == self.chat_id
                and not q.answered
                and now - q.created < sim.callback_timeout
                for q in sim.queries.values()
            )
            idle = now - self.chat.last_touch
            if not busy and idle >= quiet:
                return
            if now >= deadline:
                why = "updates not fetched by the bot" if busy else "the bot is still active"
                raise AssertionError(f"chat {self.chat_id} not idle after {timeout}s: {why}")
            await asyncio.sleep(max(0.001, min(0.02 if busy else quiet - idle, deadline - now)))

    def _pick(self, message: SimMessage | None) -> SimMessage:
        if message is None:
            with_buttons = [m for m in self.inbox if m.buttons]
            if not with_buttons:
                raise AssertionError(f"chat {self.chat_id}: no bot message with inline buttons")
            return with_buttons[-1]
        if message.deleted:
            raise AssertionError(f"message {message.message_id} was deleted by the bot")
        return message

    def _press(
        self, user: SimUser, message: SimMessage | None, label: str | None, data: str | None
    ) -> int:
        target = self._pick(message)
        flat = [b for row in target.buttons for b in row]
        button = target.find_button(label) if label is not None else None
        if data is not None:
            button = next((b for b in flat if b.callback_data == data), None)
        if button is None:
            wanted = repr(label) if data is None else f"callback_data {data!r}"
            raise AssertionError(
                f"no button {wanted} on message {target.message_id} {target.text!r}; "
                f"buttons: {[(b.text, b.callback_data) for b in flat]}"
            )
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} has no callback_data: {button.raw}")
        query_id = str(secrets.randbits(62))
        sim = self.sim
        sim.queries[query_id] = CallbackQuery(
            query_id, user.id, self.chat_id, target.message_id, button.callback_data, sim.now()
        )
        sim.limiter.user_acted(self.chat_id, sim.now())
        payload = {
            "id": query_id,
            "from": user.info.to_json(),
            "message": copy.deepcopy(target.raw),
            "chat_instance": str(zlib.crc32(f"{sim.token}:{self.chat_id}".encode()) * 7919),
            "data": button.callback_data,
        }
        return sim.enqueue("callback_query", payload, self.chat_id)

    def _post(
        self, user: SimUser, content: dict[str, Any], reply_to: int | SimMessage | None
    ) -> dict[str, Any]:
        """Store a message from ``user`` in this chat; returns its JSON."""
        chat = self.chat
        if isinstance(reply_to, SimMessage):
            reply_to = reply_to.message_id
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is None:
                raise AssertionError(f"no message {reply_to} to reply to in chat {self.chat_id}")
            content = {
                **content,
                "reply_to_message": {k: v for k, v in target.items() if k != "reply_to_message"},
            }
        self.sim.limiter.user_acted(self.chat_id, self.sim.now())
        return chat.new_message(user.info.to_json(), content)
