"""aiogram imported lazily (`bot/runtime/aiogram/lazy_models.py`) reads and writes as aiogram does.

Two fresh interpreters run the same probe: one imports aiogram plainly (every schema built at
import), one through our runtime package (schemas built on first use). Each parses the updates
the bot meets, builds every Bot API call the runtime makes, and reads the server's answers
(including a 429) through the runtime's own session; both must print exactly the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, re, sys
if sys.argv[1] == "eager":
    import aiogram.methods, aiogram.types  # the whole of aiogram, built at import
import bot.runtime.aiogram.frontend  # the runtime as the bot loads it
from aiogram import Bot
from aiogram import methods as m, types as t
from aiogram.exceptions import TelegramRetryAfter
from bot.runtime.aiogram.session import KeptModelsSession

out = {"sticker built at import": t.Sticker.__pydantic_complete__}
user = {"id": 7, "is_bot": False, "first_name": "Siti", "language_code": "id"}
chat = {"id": 7, "type": "private", "first_name": "Siti"}
msg = {"message_id": 3, "date": 1700000000, "chat": chat, "from": user}
keyboard = {"inline_keyboard": [[{"text": "Lanjut", "callback_data": "p:next:1"}]]}
updates = [
    {"update_id": 1, "message": {**msg, "text": "/status PKT-2026-0001",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}},
    {"update_id": 2, "message": {**msg, "caption": "foto 50%", "photo": [
        {"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90, "file_size": 900}]}},
    {"update_id": 3, "message": {**msg, "document": {"file_id": "d1", "file_unique_id": "u2",
        "file_name": "lpj.pdf", "mime_type": "application/pdf"}}},
    {"update_id": 4, "message": {**msg, "contact": {"phone_number": "+628123", "first_name": "Siti",
        "user_id": 7}}},
    {"update_id": 5, "message": {**msg, "location": {"latitude": -6.9, "longitude": 107.6}}},
    {"update_id": 6, "message": {**msg, "voice": {"file_id": "v", "file_unique_id": "u3",
        "duration": 2}}},
    {"update_id": 7, "edited_message": {**msg, "text": "ubah", "edit_date": 1700000100}},
    {"update_id": 8, "callback_query": {"id": "c1", "from": user, "chat_instance": "ci",
        "data": "p:next:1", "message": {**msg, "text": "Pertanyaan 1", "reply_markup": keyboard}}},
    {"update_id": 9, "my_chat_member": {"chat": chat, "from": user, "date": 1700000000,
        "old_chat_member": {"status": "member", "user": user},
        "new_chat_member": {"status": "kicked", "user": user, "until_date": 0}}},
    {"update_id": 10, "message": {**msg, "chat": {"id": -5, "type": "group", "title": "BKM"},
        "text": "/menu@paket_bot"}},
]
out["updates"] = [t.Update.model_validate(u).model_dump(mode="json", exclude_none=True)
                  for u in updates]

markup = t.InlineKeyboardMarkup(inline_keyboard=[[t.InlineKeyboardButton(text="Ya", callback_data="y")]])
calls = [
    m.SendMessage(chat_id=7, text="<b>Halo</b>", reply_markup=markup),
    m.SendMessage(chat_id=7, text="Kirim lokasi", reply_markup=t.ReplyKeyboardMarkup(
        keyboard=[[t.KeyboardButton(text="📍", request_location=True)]], resize_keyboard=True)),
    m.SendMessage(chat_id=7, text="Baik", reply_markup=t.ReplyKeyboardRemove()),
    m.SendPhoto(chat_id=7, photo="p1", caption="foto"),
    m.SendDocument(chat_id=7, document=t.BufferedInputFile(b"x", filename="laporan.xlsx")),
    m.EditMessageText(chat_id=7, message_id=3, text="baru", reply_markup=markup),
    m.EditMessageReplyMarkup(chat_id=7, message_id=3, reply_markup=markup),
    m.AnswerCallbackQuery(callback_query_id="c1", text="Tersimpan"),
    m.SetMyCommands(commands=[t.BotCommand(command="status", description="Status")],
                    scope=t.BotCommandScopeChat(chat_id=7)),
    m.DeleteMyCommands(scope=t.BotCommandScopeDefault()),
    m.GetUpdates(offset=1, timeout=10), m.GetMe(), m.DeleteWebhook(),
    m.SetWebhook(url="https://example.org/hook", secret_token="s" * 32),
]
# (a file object shows its address: dropped)
out["calls"] = [[c.__api_method__, re.sub(" at 0x[0-9a-f]+", "", repr(c.model_dump(exclude_none=True)))]
                for c in calls]

bot = Bot("123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", session=KeptModelsSession())
answers = [
    (calls[0], {"ok": True, "result": {**msg, "text": "Halo", "reply_markup": keyboard}}),
    (calls[3], {"ok": True, "result": {**msg, "photo": [
        {"file_id": "p1", "file_unique_id": "u1", "width": 9, "height": 9}]}}),
    (calls[7], {"ok": True, "result": True}),
    (calls[10], {"ok": True, "result": updates[:3]}),
    (calls[11], {"ok": True, "result": {**user, "is_bot": True, "username": "paket_bot"}}),
]
out["answers"] = [
    repr(bot.session.check_response(bot, call, 200, json.dumps(body)).result) for call, body in answers
]
try:
    bot.session.check_response(bot, calls[0], 429, json.dumps({"ok": False, "error_code": 429,
        "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}}))
except TelegramRetryAfter as error:
    out["429"] = error.retry_after
print(json.dumps(out, sort_keys=True))
"""


def _probe(mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_lazy_aiogram_reads_and_writes_as_plain_aiogram() -> None:
    eager, lazy = _probe("eager"), _probe("lazy")
    # The point of it: types the bot never meets are not built at import...
    assert eager.pop("sticker built at import") is True
    assert lazy.pop("sticker built at import") is False
    # ...and everything the bot does meet is read and written exactly alike.
    assert lazy == eager
    assert lazy["429"] == 3
    assert len(lazy["updates"]) == 10 and len(lazy["answers"]) == 5  # type: ignore[arg-type]
