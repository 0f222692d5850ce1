"""`Edge` over python-telegram-bot: keyboards to PTB markup, PTB errors to edge errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.runtime.edge import (
    REPLY,
    Blocked,
    Lane,
    Refused,
    SlowDown,
    Trouble,
    Unauthorized,
    is_reply_keyboard,
)
from bot.runtime.pacing import seconds
from bot.ui import FileRef, Keyboard, Request

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def markup(buttons: Keyboard, remove_keyboard: bool = False) -> Markup:
    if not buttons:
        return ReplyKeyboardRemove() if remove_keyboard else None
    if is_reply_keyboard(buttons):
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
    return inline(buttons)


def inline(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """PTB's errors as the edge's (see bot.runtime.edge)."""
    try:
        yield
    except RetryAfter as error:
        raise SlowDown(seconds(error.retry_after), str(error)) from error
    except Forbidden as error:
        raise Blocked(str(error)) from error
    except InvalidToken as error:
        raise Unauthorized(str(error.__cause__ or error)) from error
    except BadRequest as error:
        raise Refused(str(error)) from error
    except TelegramError as error:  # NetworkError (5xx too), TimedOut, anything else
        raise Trouble(str(error)) from error


class PtbEdge:
    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot

    async def send_text(
        self,
        chat_id: int,
        text: str,
        buttons: Keyboard = (),
        *,
        remove_keyboard: bool = False,
        lane: Lane = REPLY,
    ) -> int:
        async with translated():
            message = await self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons, remove_keyboard),
                rate_limit_args=lane,
            )
        return message.message_id

    async def send_file(
        self,
        chat_id: int,
        file: FileRef,
        caption: str | None,
        buttons: Keyboard = (),
        *,
        lane: Lane = REPLY,
    ) -> int:
        media = (
            InputFile(file.content, filename=file.file_name or "file")
            if file.content is not None
            else file.file_id
        )
        send = self.bot.send_photo if file.kind == "photo" else self.bot.send_document
        async with translated():
            message = await send(
                chat_id,
                media,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
                rate_limit_args=lane,
            )
        return message.message_id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()
    ) -> None:
        async with translated():
            await self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=inline(buttons),
            )

    async def edit_buttons(self, chat_id: int, message_id: int, buttons: Keyboard = ()) -> None:
        async with translated():
            await self.bot.edit_message_reply_markup(
                chat_id, message_id, reply_markup=inline(buttons)
            )

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        async with translated():
            await self.bot.answer_callback_query(callback_id, text)

    async def set_chat_menu(self, chat_id: int, menu: tuple[tuple[str, str], ...]) -> None:
        scope = BotCommandScopeChat(chat_id)
        async with translated():
            if menu:
                await self.bot.set_my_commands(
                    [BotCommand(name, text) for name, text in menu], scope=scope
                )
            else:
                await self.bot.delete_my_commands(scope=scope)

    async def set_default_menu(self, menu: tuple[tuple[str, str], ...], locale: str) -> None:
        commands = [BotCommand(name, text) for name, text in menu]
        async with translated():
            await self.bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=locale or None
            )
