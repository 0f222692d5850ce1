"""A Bot API update → plain `Incoming`: the only place the chat layer's input is read.

Both frameworks mirror the Bot API's objects with the Bot API's own field names (PTB's
`telegram.Update`, aiogram's `aiogram.types.Update`), so one reader serves both: it reads
those names and nothing framework-specific.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from bot.ui import FileRef, Incoming

# Control characters other than tab and newline show nothing, and PostgreSQL cannot store
# NUL at all: a fuzzer (or a broken client) sending them must not make a step fail.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    return _CONTROLS.sub("", text)


@dataclass(frozen=True)
class Read:
    """An update as the runtime needs it: the Incoming, the pressed message, the callback."""

    incoming: Incoming
    pressed_message_id: int | None = None
    callback_id: str | None = None


def chat_of(update: Any) -> int | None:
    """The chat whose order the update belongs to (None: none to keep)."""
    _user, chat = _sender_and_chat(update)
    return chat.id if chat is not None else None


def read_update(update: Any, bot_username: str) -> Read | None:
    """Reduce an update to what conversations need; None for updates we never act on."""
    user, chat = _sender_and_chat(update)
    if user is None or chat is None or user.is_bot:
        return None
    base = Incoming(
        update_id=update.update_id,
        user_id=user.id,
        chat_id=chat.id,
        first_name=_clean(user.first_name or ""),
        last_name=_clean(user.last_name or ""),
        language_code=user.language_code,
        private=chat.type == "private",
    )
    member = update.my_chat_member
    if member is not None:
        if chat.type != "private":
            return None
        kicked = member.new_chat_member.status == "kicked"
        return Read(replace(base, kind="blocked" if kicked else "unblocked"))
    query = update.callback_query
    if query is not None:
        message = query.message
        # An inaccessible (too old) message has date 0 in the Bot API; its id still identifies it.
        pressed = message.message_id if message is not None else None
        if message is not None and getattr(message, "reply_markup", False) is None:
            # The message shows no buttons any more (a second tap after they were taken
            # away, or forged data): there is nothing to strip or edit in place, and
            # Telegram would refuse the edit as "message is not modified".
            pressed = None
        # An inaccessible message has no text attribute: assume text, as most are.
        is_text = message is None or getattr(message, "text", "") is not None
        incoming = replace(
            base, kind="callback", callback_data=query.data or "", pressed_is_text=is_text
        )
        return Read(incoming, pressed, query.id)
    if update.edited_message is not None:
        return Read(replace(base, kind="edited"))
    if update.message is None:
        return None
    return Read(_from_message(base, update.message, bot_username))


def _sender_and_chat(update: Any) -> tuple[Any, Any]:
    for event in (update.message, update.edited_message, update.my_chat_member):
        if event is not None:
            return event.from_user, event.chat
    query = update.callback_query
    if query is not None:
        return query.from_user, query.message.chat if query.message is not None else None
    return None, None


def _from_message(base: Incoming, message: Any, bot_username: str) -> Incoming:
    text = _clean(message.text or "")
    entities = message.entities or ()
    if text.startswith("/") and any(e.type == "bot_command" and e.offset == 0 for e in entities):
        head, *args = text.split()
        name, _, target = head[1:].partition("@")
        if target and target.lower() != bot_username.lower():
            return replace(base, kind="other")  # a command for another bot in a group
        return replace(base, kind="command", command=name.lower(), args=tuple(args), text=text)
    if message.text is not None:
        return replace(base, kind="text", text=text)
    if message.contact is not None:
        return replace(base, kind="contact", phone=_clean(message.contact.phone_number))
    if message.location is not None:
        loc = message.location
        return replace(base, kind="location", latitude=loc.latitude, longitude=loc.longitude)
    if message.photo:
        biggest = message.photo[-1]
        ref = FileRef(biggest.file_id, "photo", None, "image/jpeg", biggest.file_size)
        return replace(base, kind="file", file=ref, text=_clean(message.caption or ""))
    if message.document is not None:
        doc = message.document
        ref = FileRef(
            doc.file_id,
            "document",
            _clean(doc.file_name or "") or None,
            doc.mime_type,
            doc.file_size,
        )
        return replace(base, kind="file", file=ref, text=_clean(message.caption or ""))
    if message.voice is not None or message.audio is not None or message.video_note is not None:
        return replace(base, kind="voice")  # answered on its own: many would rather speak
    return replace(base, kind="other")
