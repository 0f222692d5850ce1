"""The aiogram runtime's session reads a sent message for its id only, and errors as aiogram does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram import Bot
from aiogram import methods as m
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramRetryAfter

from bot.runtime.aiogram.session import KeptModelsSession, SentMessage

CHAT = {"id": 7, "type": "private", "first_name": "Siti"}
MESSAGE: dict[str, Any] = {
    "message_id": 42, "date": 1700000000, "chat": CHAT, "text": "Pertanyaan 1 dari 9",
    "from": {"id": 1, "is_bot": True, "first_name": "PAKET"},
    "reply_markup": {"inline_keyboard": [[{"text": "Lanjut", "callback_data": "p:next:1"}]]},
}  # fmt: skip
SEND = m.SendMessage(chat_id=7, text="Halo")
EDIT = m.EditMessageText(chat_id=7, message_id=42, text="baru")


@pytest.fixture
def bot() -> Bot:
    return Bot("123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", session=KeptModelsSession())


def _answer(bot: Bot, method: m.TelegramMethod[Any], status: int, body: object) -> Any:
    return bot.session.check_response(bot, method, status, json.dumps(body)).result


def test_a_sent_or_edited_message_is_read_for_its_id(bot: Bot) -> None:
    sent = _answer(bot, SEND, 200, {"ok": True, "result": MESSAGE})
    assert sent == SentMessage(message_id=42)  # not the whole Message: the edge needs the id
    photo = m.SendPhoto(chat_id=7, photo="file-id")
    assert _answer(bot, photo, 200, {"ok": True, "result": MESSAGE}).message_id == 42
    assert _answer(bot, EDIT, 200, {"ok": True, "result": MESSAGE}).message_id == 42
    assert _answer(bot, EDIT, 200, {"ok": True, "result": True}) is True  # an inline message


def test_other_calls_are_read_whole(bot: Bot) -> None:
    me = _answer(bot, m.GetMe(), 200, {"ok": True, "result": {**MESSAGE["from"], "username": "p"}})
    assert me.username == "p"


def test_errors_and_malformed_answers_are_aiograms(bot: Bot) -> None:
    with pytest.raises(TelegramRetryAfter) as slow:
        _answer(
            bot,
            SEND,
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            },
        )
    assert slow.value.retry_after == 3
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        _answer(
            bot,
            EDIT,
            400,
            {"ok": False, "error_code": 400, "description": "Bad Request: message is not modified"},
        )
    with pytest.raises(ClientDecodeError):  # a "message" without its id is not one
        _answer(bot, SEND, 200, {"ok": True, "result": {"date": 1700000000, "chat": CHAT}})
