"""Plain replies and keyboards → Telegram calls and markup (the framework edge)."""

from __future__ import annotations

import contextlib
import logging

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.ui import Keyboard, Reply, Request

log = logging.getLogger(__name__)
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def markup(buttons: Keyboard, remove_keyboard: bool = False) -> Markup:
    if not buttons:
        return ReplyKeyboardRemove() if remove_keyboard else None
    if any(b.request for row in buttons for b in row):
        rows = [
            [
                KeyboardButton(
                    b.label,
                    request_contact=b.request == Request.CONTACT or None,
                    request_location=b.request == Request.LOCATION or None,
                )
                for b in row
            ]
            for row in buttons
        ]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


async def send_replies(
    bot: Bot, chat_id: int, replies: list[Reply], pressed_message_id: int | None
) -> None:
    """Send (or edit in place) each reply; strip the buttons of a pressed message otherwise."""
    edited = False
    for reply in replies:
        reply_markup = markup(reply.buttons, reply.remove_keyboard)
        if reply.attachment is not None:
            await _send_file(bot, chat_id, reply, reply_markup)
            continue
        if reply.edit and pressed_message_id is not None and not edited:
            edited = await _edit(bot, chat_id, pressed_message_id, reply)
            if edited:
                continue
        if reply.keep_text:
            continue  # only buttons to change, and no message to change them on
        await bot.send_message(
            chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=reply_markup
        )
    if pressed_message_id is not None and not edited:
        # An answered question should not keep live buttons: a later tap would be stale.
        # BadRequest: already without buttons (a double tap), or too old to edit.
        with contextlib.suppress(BadRequest):
            await bot.edit_message_reply_markup(chat_id, pressed_message_id, reply_markup=None)


async def _send_file(bot: Bot, chat_id: int, reply: Reply, reply_markup: Markup) -> None:
    """Upload a file the bot made, or re-send a stored one by its Telegram file id."""
    file = reply.attachment
    assert file is not None
    media = (
        InputFile(file.content, filename=file.file_name)
        if file.content is not None
        else file.file_id
    )
    caption = reply.text or None
    if file.kind == "photo":
        await bot.send_photo(
            chat_id, media, caption=caption, parse_mode=ParseMode.HTML, reply_markup=reply_markup
        )
    else:
        await bot.send_document(
            chat_id, media, caption=caption, parse_mode=ParseMode.HTML, reply_markup=reply_markup
        )


async def _edit(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> bool:
    inline = markup(reply.buttons)
    if inline is not None and not isinstance(inline, InlineKeyboardMarkup):
        return False
    try:
        if reply.keep_text:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=inline)
            return True
        await bot.edit_message_text(
            reply.text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=inline,
        )
        return True
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return True
        log.info("could not edit message %s: %s", message_id, error)
        return False
