"""Telegram `Update` → plain `Incoming`: the only place the chat layer's input is read."""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, MessageEntity, Update

from bot.ui import FileRef, Incoming


def to_incoming(update: Update, bot_username: str) -> Incoming | None:
    """Reduce an update to what conversations need; None for updates we never act on."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    base = Incoming(
        update_id=update.update_id,
        user_id=user.id,
        chat_id=chat.id,
        first_name=user.first_name or "",
        last_name=user.last_name or "",
        language_code=user.language_code,
        private=chat.type == chat.PRIVATE,
    )
    member = update.my_chat_member
    if member is not None and chat.type == chat.PRIVATE:
        kicked = member.new_chat_member.status == "kicked"
        return replace(base, kind="blocked" if kicked else "unblocked")
    if update.callback_query is not None:
        return replace(base, kind="callback", callback_data=update.callback_query.data or "")
    if update.edited_message is not None:
        return replace(base, kind="edited")
    if update.message is None:
        return None
    return _from_message(base, update.message, bot_username)


def _from_message(base: Incoming, message: Message, bot_username: str) -> Incoming:
    text = message.text or ""
    entities = message.entities or ()
    if text.startswith("/") and any(
        e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities
    ):
        head, *args = text.split()
        name, _, target = head[1:].partition("@")
        if target and target.lower() != bot_username.lower():
            return replace(base, kind="other")  # a command for another bot in a group
        return replace(base, kind="command", command=name.lower(), args=tuple(args), text=text)
    if message.text is not None:
        return replace(base, kind="text", text=text)
    if message.contact is not None:
        return replace(base, kind="contact", phone=message.contact.phone_number)
    if message.location is not None:
        loc = message.location
        return replace(base, kind="location", latitude=loc.latitude, longitude=loc.longitude)
    if message.photo:
        biggest = message.photo[-1]
        ref = FileRef(biggest.file_id, "photo", None, "image/jpeg", biggest.file_size)
        return replace(base, kind="file", file=ref, text=message.caption or "")
    if message.document is not None:
        doc = message.document
        ref = FileRef(doc.file_id, "document", doc.file_name, doc.mime_type, doc.file_size)
        return replace(base, kind="file", file=ref, text=message.caption or "")
    return replace(base, kind="other")
