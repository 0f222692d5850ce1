"""The simulated user's side: reading replies, pressing, keyboards, edits, idling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.simulator import Simulator, sample_png

Polling = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]
MakeApp = Callable[[], Application]  # type: ignore[type-arg]
Context = ContextTypes.DEFAULT_TYPE
Call = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]


async def test_replies_counts_new_messages_in_order(sim: Simulator, call: Call) -> None:
    # Lifted: this test checks message counting, not flood control (test_sim_http_errors
    # covers the limits).
    sim.set_limits(None)
    user = sim.user(1001)
    await user.send("hi")
    for text in ("satu", "dua", "tiga"):
        await call("sendMessage", chat_id=1001, text=text)
    assert [m.text for m in await user.replies(2)] == ["satu", "dua"]
    assert (await user.reply()).text == "tiga"
    with pytest.raises(AssertionError, match=r"expected 1 new bot message.*got 0: \[\]"):
        await user.reply(timeout=0.05)
    await call("sendMessage", chat_id=1001, text="empat")
    user.clear()
    with pytest.raises(AssertionError):
        await user.reply(timeout=0.05)
    assert [m.text for m in user.inbox] == ["satu", "dua", "tiga", "empat"]


async def test_reply_failure_names_the_bot_api_error(sim: Simulator, call: Call) -> None:
    user = sim.user(1001)
    await user.send("hi")
    await call("sendMessage", chat_id=1001, text="<3 kamu", parse_mode="HTML")
    with pytest.raises(AssertionError, match="can't parse entities"):
        await user.reply(timeout=0.05)


async def test_press_finds_buttons_and_explains_misses(sim: Simulator, call: Call) -> None:
    user = sim.user(1001)
    await user.send("hi")
    markup = {
        "inline_keyboard": [
            [
                {"text": "Setuju", "callback_data": "a"},
                {"text": "Setuju sebagian", "callback_data": "b"},
            ],
            [{"text": "Panduan", "url": "https://example.org"}],
        ]
    }
    await call("sendMessage", chat_id=1001, text="Pilih", reply_markup=markup)
    message = await user.reply()
    await user.press(message, "Setuju")  # exact match wins over the longer label
    await user.press(None, "SEBAGIAN")  # substring, then ignoring case
    await user.press_data(message, "b")
    _, updates = await call("getUpdates")
    assert [u["callback_query"]["data"] for u in updates["result"][1:]] == ["a", "b", "b"]
    with pytest.raises(AssertionError, match="Panduan"):
        await user.press(message, "Tolak")
    with pytest.raises(AssertionError, match="no callback_data"):
        await user.press(message, "Panduan")
    await call("deleteMessage", chat_id=1001, message_id=message.message_id)
    with pytest.raises(AssertionError, match="deleted"):
        await user.press(message, "Setuju")


async def test_reply_keyboard_tap_shares_contact(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    app = make_app()
    contacts: list[tuple[int | None, str]] = []

    async def ask(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        keyboard = [[KeyboardButton("Kirim nomor HP", request_contact=True)], ["Batal"]]
        await update.effective_message.reply_text(
            "Nomor HP?", reply_markup=ReplyKeyboardMarkup(keyboard, one_time_keyboard=True)
        )

    async def got_contact(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None and message.contact is not None
        contacts.append((message.contact.user_id, message.contact.phone_number))
        await message.reply_text("Terima kasih", reply_markup=ReplyKeyboardRemove())

    app.add_handler(CommandHandler("daftar", ask))
    app.add_handler(MessageHandler(filters.CONTACT, got_contact))
    await polling(app)
    user = sim.user(1001, phone="+6281234567890")
    await user.send("/daftar")
    question = await user.reply()
    assert question.reply_labels() == ["Kirim nomor HP", "Batal"]
    assert question.reply_keyboard == [
        [{"text": "Kirim nomor HP", "request_contact": True}],
        [{"text": "Batal"}],
    ]
    await user.tap("Kirim nomor HP")
    thanks = await user.reply()
    assert contacts == [(1001, "+6281234567890")]
    assert thanks.remove_keyboard and user.keyboard is None
    with pytest.raises(AssertionError, match="no reply keyboard button"):
        await user.tap("Batal")


async def test_user_edits_photos_stickers_and_raw_updates(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    app = make_app()
    seen: list[str] = []

    async def record(update: Update, context: Context) -> None:
        if update.edited_message:
            seen.append(f"edited:{update.edited_message.text}")
        elif update.effective_message and update.effective_message.photo:
            sizes = update.effective_message.photo
            seen.append(
                f"photo:{sizes[-1].width}x{sizes[-1].height}:{update.effective_message.caption}"
            )
        elif update.effective_message and update.effective_message.sticker:
            seen.append(f"sticker:{update.effective_message.sticker.emoji}")
        elif update.effective_message and update.effective_message.voice:
            seen.append("voice")
        elif update.effective_message:
            seen.append(f"text:{update.effective_message.text}")

    app.add_handler(MessageHandler(filters.ALL, record))
    await polling(app)
    user = sim.user(1001)
    await user.send("Desa Sukamaju")
    await user.edit(1, "Desa Sukamakmur")
    await user.send_photo(sample_png(640, 480), caption="lokasi")
    await user.send_sticker()
    await user.send_voice()
    raw = {
        "message": {
            "message_id": 99,
            "date": 0,
            "chat": {"id": 1001, "type": "private"},
            "text": "raw",
        }
    }
    update_id = await user.send_raw_update(raw)
    await user.wait_idle()
    assert seen == [
        "text:Desa Sukamaju",
        "edited:Desa Sukamakmur",
        "photo:640x480:lokasi",
        "sticker:👍",
        "voice",
        "text:raw",
    ]
    assert update_id == sim.calls_to("getUpdates")[-1]["offset"] - 1


async def test_wait_idle_fails_when_nobody_polls(sim: Simulator) -> None:
    user = sim.user(1001)
    await user.send("halo?")
    with pytest.raises(AssertionError, match="updates not fetched by the bot"):
        await user.wait_idle(quiet=0.05, timeout=0.2)


async def test_inbox_tracks_edits_and_deletions(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    app = make_app()

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        first = await update.effective_message.reply_text("memproses…")
        await update.effective_message.reply_text("sementara")
        await first.edit_text(
            "selesai",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]]),
        )
        await context.bot.delete_message(1001, first.message_id + 1)

    app.add_handler(CommandHandler("start", start))
    await polling(app)
    user = sim.user(1001)
    await user.send("/start")
    await user.wait_idle()
    assert [(m.text, m.edited, m.button_labels()) for m in user.inbox] == [
        ("selesai", True, ["OK"])
    ]
    assert len(user.unread) == 2  # both were sent, one later deleted
    sim.assert_no_errors()


async def test_raw_updates_join_the_chat(sim: Simulator, call: Call) -> None:
    user = sim.user(1001)
    chat = {"id": 1001, "type": "private", "first_name": "User1001"}
    await user.send_raw_update(
        {"message": {"message_id": 50, "date": 0, "chat": chat, "text": "x"}}
    )
    status, reply = await call(
        "sendMessage", chat_id=1001, text="y", reply_parameters={"message_id": 50}
    )
    assert status == 200 and reply["result"]["message_id"] == 51
    assert reply["result"]["reply_to_message"]["text"] == "x"
    old_keyboard = {"id": "forged-1", "from": {"id": 1001, "is_bot": False, "first_name": "U"},
                    "message": reply["result"], "chat_instance": "1", "data": "menu"}  # fmt: skip
    await user.send_raw_update({"callback_query": old_keyboard})
    assert (await call("answerCallbackQuery", callback_query_id="forged-1", text="Usang"))[0] == 200
    assert user.callback_answers == [
        {
            "text": "Usang",
            "show_alert": False,
            "url": None,
            "cache_time": None,
            "data": "menu",
            "message_id": 51,
        }
    ]
