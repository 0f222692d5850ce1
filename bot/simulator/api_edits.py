"""Editing and deleting the bot's messages."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.simulator.api_send import caption_fields, formatted
from bot.simulator.errors import bad_request
from bot.simulator.markup import Markup, parse_reply_markup
from bot.simulator.models import SimMessage
from bot.simulator.params import Params
from bot.simulator.registry import method
from bot.simulator.state import Chat
from bot.simulator.text_format import check_message_text

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def _editable(sim: Simulator, p: Params) -> SimMessage:
    """The bot message an edit targets."""
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = sim.chat_for_bot(p.chat_id())
    message_id = p.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.bot_messages.get(message_id)
    if message is None or message.deleted:
        if message_id in chat.messages:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return message


def _apply_edit(
    sim: Simulator, message: SimMessage, changes: dict[str, Any], markup: Markup | None
) -> dict[str, Any]:
    raw = message.raw
    for key, value in changes.items():
        if value:
            raw[key] = value
        else:
            raw.pop(key, None)
    inline = markup.inline_json() if markup else None
    if inline:
        raw["reply_markup"] = inline
    else:
        raw.pop("reply_markup", None)  # an edit without reply_markup removes the keyboard
    raw["edit_date"] = max(int(time.time()), int(raw["date"]))
    message.buttons = markup.sim_buttons() if markup else []
    message.edited = True
    sim.touch(message.chat_id)
    return raw


def _inline_markup(p: Params) -> Markup | None:
    markup = parse_reply_markup(p.get("reply_markup"))
    if markup is not None and markup.inline is None:
        raise bad_request("inline keyboard expected")
    return markup


@method("editMessageText")
async def edit_message_text(sim: Simulator, p: Params) -> dict[str, Any]:
    """Replace the text (and keyboard) of a bot message."""
    plain, entities = formatted(sim, p, "text", "entities")
    check_message_text(plain)
    markup = _inline_markup(p)
    message = _editable(sim, p)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    inline = markup.inline_json() if markup else None
    if (plain, entities, inline) == (
        message.text,
        message.entities,
        message.raw.get("reply_markup"),
    ):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.entities, message.html = plain, entities, p.string("text") or ""
    message.parse_mode = p.string("parse_mode")
    return _apply_edit(sim, message, {"text": plain, "entities": entities}, markup)


@method("editMessageCaption")
async def edit_message_caption(sim: Simulator, p: Params) -> dict[str, Any]:
    """Replace the caption (and keyboard) of a media message."""
    content, html = caption_fields(sim, p)
    markup = _inline_markup(p)
    message = _editable(sim, p)
    if message.kind not in ("photo", "document"):
        raise bad_request("there is no caption in the message to edit")
    plain, entities = content.get("caption", ""), content.get("caption_entities", [])
    inline = markup.inline_json() if markup else None
    if (plain, entities, inline) == (
        message.text,
        message.entities,
        message.raw.get("reply_markup"),
    ):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.entities, message.html = plain, entities, html
    message.parse_mode = p.string("parse_mode")
    return _apply_edit(sim, message, {"caption": plain, "caption_entities": entities}, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(sim: Simulator, p: Params) -> dict[str, Any]:
    """Replace (or, without reply_markup, remove) the inline keyboard."""
    markup = _inline_markup(p)
    message = _editable(sim, p)
    inline = markup.inline_json() if markup else None
    if inline == message.raw.get("reply_markup"):
        raise bad_request(_NOT_MODIFIED)
    return _apply_edit(sim, message, {}, markup)


def _delete(chat: Chat, message_id: int) -> bool:
    if chat.messages.pop(message_id, None) is None:
        return False
    message = chat.bot_messages.get(message_id)
    if message is not None:
        message.deleted = True
    return True


@method("deleteMessage")
async def delete_message(sim: Simulator, p: Params) -> bool:
    """Delete a message of the chat (the bot's own or, in private chats, the user's)."""
    chat = sim.chat_for_bot(p.chat_id())
    if not _delete(chat, p.require_int("message_id")):
        raise bad_request("message to delete not found")
    sim.touch(chat.id)
    return True


@method("deleteMessages")
async def delete_messages(sim: Simulator, p: Params) -> bool:
    """Delete several messages; missing ones are skipped."""
    chat = sim.chat_for_bot(p.chat_id())
    ids = p.get("message_ids") or []
    deleted = [_delete(chat, int(i)) for i in ids]
    if not any(deleted):
        raise bad_request("message to delete not found")
    sim.touch(chat.id)
    return True
