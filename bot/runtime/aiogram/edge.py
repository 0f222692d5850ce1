"""`Edge` over aiogram: keyboards to aiogram markup, aiogram errors to edge errors.

Every call goes through the pacer as a session middleware (`PacingMiddleware`); the lane of a
send reaches it through a context variable, since aiogram's methods carry no such argument.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

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
from bot.runtime.pacing import Pacer
from bot.ui import FileRef, Keyboard, Request

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
HTML = "HTML"
_lane: ContextVar[Lane] = ContextVar("lane", default=REPLY)


def markup(buttons: Keyboard, remove_keyboard: bool = False) -> Markup:
    if not buttons:
        return ReplyKeyboardRemove() if remove_keyboard else None
    if is_reply_keyboard(buttons):
        rows = [
            [
                KeyboardButton(
                    text=b.label,
                    request_contact=b.request == Request.CONTACT or None,
                    request_location=b.request == Request.LOCATION or None,
                )
                for b in row
            ]
            for row in buttons
        ]
        return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)
    return inline(buttons)


def inline(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.data, url=b.url) for b in row]
            for row in buttons
        ]
    )


def retry_after_of(error: BaseException) -> float | None:
    return float(error.retry_after) if isinstance(error, TelegramRetryAfter) else None


class PacingMiddleware(BaseRequestMiddleware):
    """Every Bot API call of this bot through the shared pacer (see bot.runtime.pacing)."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        return await self.pacer.call(
            lambda: make_request(bot, method),
            method=method.__api_method__,
            chat_id=getattr(method, "chat_id", None),
            retry_after_of=retry_after_of,
            lane=_lane.get(),
        )


@asynccontextmanager
async def translated(lane: Lane = REPLY) -> AsyncIterator[None]:
    """aiogram's errors as the edge's; `lane` for the pacer while the call runs."""
    token = _lane.set(lane)
    try:
        yield
    except TelegramRetryAfter as error:
        raise SlowDown(float(error.retry_after), str(error)) from error
    except TelegramForbiddenError as error:
        raise Blocked(str(error)) from error
    except (TelegramUnauthorizedError, TelegramNotFound) as error:
        raise Unauthorized(str(error)) from error
    except TelegramBadRequest as error:
        raise Refused(str(error)) from error
    except TelegramAPIError as error:  # network, 5xx, anything else Telegram answers
        raise Trouble(str(error)) from error
    except TimeoutError as error:
        raise Trouble("timed out") from error
    finally:
        _lane.reset(token)


class AiogramEdge:
    def __init__(self, bot: Bot) -> None:
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
        async with translated(lane):
            message = await self.bot.send_message(
                chat_id=chat_id,
                text=text,
                parse_mode=HTML,
                reply_markup=markup(buttons, remove_keyboard),
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
        media: Any = (
            BufferedInputFile(file.content, filename=file.file_name or "file")
            if file.content is not None
            else file.file_id
        )
        async with translated(lane):
            if file.kind == "photo":
                message = await self.bot.send_photo(
                    chat_id=chat_id,
                    photo=media,
                    caption=caption,
                    parse_mode=HTML,
                    reply_markup=markup(buttons),
                )
            else:
                message = await self.bot.send_document(
                    chat_id=chat_id,
                    document=media,
                    caption=caption,
                    parse_mode=HTML,
                    reply_markup=markup(buttons),
                )
        return message.message_id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()
    ) -> None:
        async with translated():
            await self.bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=HTML,
                reply_markup=inline(buttons),
            )

    async def edit_buttons(self, chat_id: int, message_id: int, buttons: Keyboard = ()) -> None:
        async with translated():
            await self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=inline(buttons)
            )

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        async with translated():
            await self.bot.answer_callback_query(callback_query_id=callback_id, text=text)

    async def set_chat_menu(self, chat_id: int, menu: tuple[tuple[str, str], ...]) -> None:
        scope = BotCommandScopeChat(chat_id=chat_id)
        async with translated():
            if menu:
                commands = [BotCommand(command=name, description=text) for name, text in menu]
                await self.bot.set_my_commands(commands=commands, scope=scope)
            else:
                await self.bot.delete_my_commands(scope=scope)

    async def set_default_menu(self, menu: tuple[tuple[str, str], ...], locale: str) -> None:
        commands = [BotCommand(command=name, description=text) for name, text in menu]
        async with translated():
            await self.bot.set_my_commands(
                commands=commands, scope=BotCommandScopeDefault(), language_code=locale or None
            )
