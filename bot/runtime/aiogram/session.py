"""aiogram's aiohttp session: response models kept, and sent messages read for their id only."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.runtime.aiogram.lazy_models import resolvable


class SentMessage(BaseModel):
    """All the edge reads of a message the bot sent or edited: its id (see `AiogramEdge`)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message_id: int


# Calls Telegram answers with the whole message (its chat, sender, text entities, keyboard),
# of which the edge keeps only the id. Reading all of it into aiogram's `Message` was 7 % of
# the bot's CPU at 0 ms per call; reading the id is a fraction of that.
_ANSWERED_WITH_A_MESSAGE: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {
    SendMessage: resolvable(Response[SentMessage]),
    SendPhoto: resolvable(Response[SentMessage]),
    SendDocument: resolvable(Response[SentMessage]),
    EditMessageText: resolvable(Response[SentMessage | bool]),  # type: ignore[dict-item]
    EditMessageReplyMarkup: resolvable(Response[SentMessage | bool]),  # type: ignore[dict-item]
}


class KeptModelsSession(AiohttpSession):
    """`AiohttpSession` that reads a sent message for its id and keeps its response models.

    aiogram parametrises `Response[method.__returning__]` on every call, and pydantic caches a
    parametrised model only weakly: once the garbage collector frees it, the next call builds
    its whole validation schema again. Profiled at 0 ms per call, that rebuilding was 13 % of
    the bot's CPU. One strong reference per returned type (a few dozen at most) makes every
    later call a cache hit.

    A successful send or edit returns a `SentMessage` (only `message_id`) where aiogram would
    return a `Message`; every error, and every other call, is read by aiogram as it is.
    """

    _kept: ClassVar[dict[Any, type]] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        slim = _ANSWERED_WITH_A_MESSAGE.get(type(method))
        if slim is not None and status_code == HTTPStatus.OK:
            try:
                answer = slim.model_validate_json(content)
            except ValidationError:
                pass  # not what Telegram answers: aiogram's own reading says what is wrong
            else:
                if answer.ok:
                    return answer  # type: ignore[return-value]
        returning = method.__returning__
        if returning not in self._kept:
            self._kept[returning] = resolvable(Response[returning])  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)
