"""Simulated people: what they send to the bot and what they read back."""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any

from bot.simulator.chat_view import ChatView
from bot.simulator.files import guess_mime, image_size
from bot.simulator.models import SimMessage
from bot.simulator.state import CallbackQuery, UserInfo
from bot.simulator.text_format import auto_entities

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

_FAKE_OGG = b"OggS\x00\x02" + bytes(58)
_FAKE_WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)


class SimUser(ChatView):
    """A person in a private chat with the bot (chat id == user id)."""

    def __init__(self, sim: Simulator, info: UserInfo, phone: str | None = None) -> None:
        super().__init__(sim, info.id)
        self.info = info
        self.phone = phone or f"+62812{info.id % 10**7:07d}"
        self.callback_answers: list[dict[str, Any]] = []

    @property
    def id(self) -> int:
        """Telegram user id."""
        return self.info.id

    @property
    def keyboard(self) -> list[list[dict[str, Any]]] | None:
        """The reply keyboard currently shown under the input field."""
        return self.chat.reply_keyboard

    def _send(self, content: dict[str, Any], reply_to: int | SimMessage | None = None) -> int:
        if self.id in self.sim.blocked:
            self.sim.unblock(self.id)  # writing to a blocked bot restarts it
        self.chat.known = True
        message = self._post(self, content, reply_to)
        return self.sim.enqueue("message", message, self.chat_id)

    async def send_content(self, content: dict[str, Any]) -> int:
        """Send a message with any content the Bot API knows (a poll, a contact, a video
        note…), given as its JSON fields; the chat, sender and date are filled in."""
        return self._send(copy.deepcopy(content))

    async def send(self, text: str, *, reply_to: int | SimMessage | None = None) -> int:
        """Type a text message; returns the update_id."""
        content: dict[str, Any] = {"text": text}
        entities = auto_entities(text)
        if entities:
            content["entities"] = entities
        return self._send(content, reply_to)

    async def tap(self, label: str) -> int:
        """Press a reply-keyboard button (contact/location buttons share them)."""
        rows = self.keyboard or []
        button = next((b for row in rows for b in row if b["text"] == label), None)
        if button is None:
            labels = [b["text"] for row in rows for b in row]
            raise AssertionError(f"no reply keyboard button {label!r}; keyboard: {labels}")
        if self.chat.one_time_keyboard:
            self.chat.reply_keyboard = None
        if button.get("request_contact"):
            return await self.share_contact()
        if button.get("request_location"):
            return await self.share_location(-6.2, 106.8)
        return await self.send(label)

    async def press(self, message: SimMessage | str | None = None, label: str | None = None) -> int:
        """Press an inline button by label (exact, else substring); ``press("Setuju")`` works too."""
        if isinstance(message, str) and label is None:
            message, label = None, message
        if label is None or isinstance(message, str):
            raise TypeError("press(message_or_None, label)")
        return self._press(self, message, label, None)

    async def press_data(self, message: SimMessage | None, data: str) -> int:
        """Press the inline button carrying this callback_data."""
        return self._press(self, message, None, data)

    async def share_contact(self, phone: str | None = None, *, own: bool = True) -> int:
        """Send a contact: one's own (with user_id, as the request_contact button does) or another."""
        contact: dict[str, Any] = {
            "phone_number": phone or self.phone,
            "first_name": self.info.first_name,
        }
        if self.info.last_name:
            contact["last_name"] = self.info.last_name
        if own:
            contact["user_id"] = self.id
        return self._send({"contact": contact})

    async def share_location(self, latitude: float, longitude: float) -> int:
        """Send a map point."""
        return self._send({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_photo(self, data: bytes, caption: str | None = None) -> int:
        """Send a photo (any bytes; real images get their true size)."""
        stored = self.sim.files.add("photo", data, size=image_size(data) or (800, 600))
        return self._send({"photo": self.sim.files.photo_sizes(stored), **_caption(caption)})

    async def send_document(
        self,
        data: bytes,
        filename: str = "file.bin",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> int:
        """Send a file as a document."""
        stored = self.sim.files.add(
            "document", data, file_name=filename, mime_type=mime_type or guess_mime(filename)
        )
        return self._send({"document": stored.as_document(), **_caption(caption)})

    async def send_sticker(self, emoji: str = "👍") -> int:
        """Send a sticker."""
        stored = self.sim.files.add("sticker", _FAKE_WEBP, size=(512, 512))
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.file_size,
        }
        return self._send({"sticker": sticker})

    async def send_voice(self, data: bytes | None = None, duration: int = 2) -> int:
        """Send a voice note."""
        stored = self.sim.files.add("voice", data or _FAKE_OGG, mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.file_size,
        }
        return self._send({"voice": voice})

    async def edit(self, message_id: int, text: str) -> int:
        """Edit one of this user's text messages (an edited_message update)."""
        message = self.chat.messages.get(message_id)
        if message is None or message["from"]["id"] != self.id or "text" not in message:
            raise AssertionError(f"user {self.id} has no text message {message_id} to edit")
        message["text"] = text
        message.pop("entities", None)
        if entities := auto_entities(text):
            message["entities"] = entities
        message["edit_date"] = int(time.time())
        return self.sim.enqueue("edited_message", copy.deepcopy(message), self.chat_id)

    async def send_raw_update(self, update: dict[str, Any]) -> int:
        """Queue any update dict (update_id is filled in), as if Telegram had sent it.

        A message in it joins the chat history (so the bot can reply to it) and a
        callback_query becomes answerable, as every query Telegram delivers is.
        """
        body = {k: v for k, v in update.items() if k != "update_id"}
        if len(body) != 1:
            raise ValueError("an update has exactly one field besides update_id")
        ((kind, payload),) = body.items()
        chat = self.chat
        chat.known = True
        if kind == "message" and isinstance(payload.get("message_id"), int):
            chat.messages.setdefault(payload["message_id"], copy.deepcopy(payload))
            chat.next_id = max(chat.next_id, payload["message_id"] + 1)
        if kind == "callback_query" and payload.get("id"):
            message = payload.get("message") or {}
            self.sim.queries[str(payload["id"])] = CallbackQuery(
                str(payload["id"]),
                int(payload.get("from", {}).get("id", self.id)),
                int(message.get("chat", {}).get("id", self.chat_id)),
                int(message.get("message_id", 0)),
                str(payload.get("data", "")),
                self.sim.now(),
            )
        return self.sim.enqueue(kind, payload, self.chat_id)


class SimGroup(ChatView):
    """A group chat; people speak in it with ``group.send(user, text)``."""

    async def send(
        self, user: SimUser, text: str, *, reply_to: int | SimMessage | None = None
    ) -> int | None:
        """Post a text message; returns the update_id, or None if privacy mode hides it from the bot."""
        content: dict[str, Any] = {"text": text}
        entities = auto_entities(text)
        if entities:
            content["entities"] = entities
        message = self._post(user, content, reply_to)
        if not self._bot_sees(message):
            return None
        return self.sim.enqueue("message", message, self.chat_id)

    def _bot_sees(self, message: dict[str, Any]) -> bool:
        """Privacy mode: only commands (for this bot) and replies to the bot reach it."""
        sim = self.sim
        if not sim.privacy_mode:
            return True
        replied = message.get("reply_to_message") or {}
        if replied.get("from", {}).get("id") == sim.bot.id:
            return True
        text: str = message.get("text", "")
        if not text.startswith("/"):
            return False
        command = text.split()[0]
        return (
            "@" not in command
            or command.split("@", 1)[1].lower() == (sim.bot.username or "").lower()
        )

    async def press(self, user: SimUser, message: SimMessage | None, label: str) -> int:
        """``user`` presses an inline button by label."""
        return self._press(user, message, label, None)

    async def press_data(self, user: SimUser, message: SimMessage | None, data: str) -> int:
        """``user`` presses the inline button carrying this callback_data."""
        return self._press(user, message, None, data)


def _caption(caption: str | None) -> dict[str, Any]:
    if not caption:
        return {}
    content: dict[str, Any] = {"caption": caption}
    if entities := auto_entities(caption):
        content["caption_entities"] = entities
    return content
