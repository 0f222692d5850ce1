"""A real python-telegram-bot Application against the simulator, over HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.simulator import Simulator

Polling = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]
MakeApp = Callable[[], Application]  # type: ignore[type-arg]
Context = ContextTypes.DEFAULT_TYPE
Call = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]

CONSENT = InlineKeyboardMarkup(
    [[InlineKeyboardButton("✅ Setuju", callback_data="consent:yes")],
     [InlineKeyboardButton("Tidak", callback_data="consent:no")]]
)  # fmt: skip


async def test_deep_link_args_reach_the_command_handler(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    app = make_app()

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"args={context.args}")

    app.add_handler(CommandHandler("start", start))
    await polling(app)
    siti = sim.user(1001, first_name="Siti", language_code="id")
    await siti.send("/start abc123")
    assert (await siti.reply()).text == "args=['abc123']"
    await siti.send("/start@paket_bot xyz")
    assert (await siti.reply()).text == "args=['xyz']"
    await siti.send("start abc")  # no bot_command entity: the handler must not fire
    await siti.wait_idle()
    assert siti.unread == []

    group = sim.group(-100123, title="Grup BKM")
    assert await group.send(siti, "halo semua") is None  # privacy mode hides plain talk
    await group.send(siti, "/start@paket_bot grp")
    reply = await group.reply()
    assert reply.text == "args=['grp']" and reply.raw["chat"]["type"] == "supergroup"


async def test_press_answer_and_edit(sim: Simulator, polling: Polling, make_app: MakeApp) -> None:
    app = make_app()
    errors: list[Exception] = []

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "Setuju <b>ikut</b>?", parse_mode="HTML", reply_markup=CONSENT
        )

    async def consent(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Tercatat", show_alert=True)
        await query.edit_message_text(f"Pilihan: {query.data}")
        try:
            await query.edit_message_text(f"Pilihan: {query.data}")
        except BadRequest as exc:
            errors.append(exc)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(consent))
    await polling(app)
    user = sim.user(1001)
    await user.send("/start")
    question = await user.reply()
    assert question.html == "Setuju <b>ikut</b>?" and question.plain == "Setuju ikut?"
    assert question.button_labels() == ["✅ Setuju", "Tidak"]
    with pytest.raises(AssertionError, match="Tidak"):
        await user.press(question, "Mungkin")
    await user.press(question, "Setuju")  # substring of "✅ Setuju"
    await user.wait_idle()
    assert user.callback_answers[0]["text"] == "Tercatat" and user.callback_answers[0]["show_alert"]
    assert user.inbox[0].text == "Pilihan: consent:yes" and user.inbox[0].buttons == []
    assert user.unread == []  # an edit is not a new message
    assert [str(e) for e in errors] == [
        "Message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    ]


async def test_file_round_trip_through_the_bot(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    app = make_app()

    async def on_document(update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        file = await message.document.get_file()
        data = await file.download_as_bytearray()
        await message.reply_document(
            bytes(data).upper(), filename="balik.pdf", caption=f"{len(data)} byte"
        )

    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    await polling(app)
    user = sim.user(1001)
    await user.send_document(b"%pdf rab desa", filename="rab.pdf", mime_type="application/pdf")
    answer = await user.reply()
    assert answer.kind == "document" and answer.text == "13 byte"
    assert answer.document is not None and answer.document["file_name"] == "balik.pdf"
    assert sim.files.get(answer.document["file_id"]).data == b"%PDF RAB DESA"  # type: ignore[union-attr]


async def test_blocked_user_and_flood_errors_reach_the_bot(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    sim.set_limits(per_chat_per_second=1.0, per_chat_burst=3, human_pause=0)
    app = make_app()
    seen: list[TelegramError] = []

    async def burst(update: Update, context: Context) -> None:
        for i in range(5):
            try:
                await context.bot.send_message(1001, f"pesan {i}")
            except TelegramError as exc:
                seen.append(exc)
                return

    async def notify(update: Update, context: Context) -> None:
        try:
            await context.bot.send_message(1002, "pengingat")
        except TelegramError as exc:
            seen.append(exc)

    app.add_handler(CommandHandler("burst", burst))
    app.add_handler(CommandHandler("notify", notify))
    await polling(app)
    first, second = sim.user(1001), sim.user(1002)
    await second.send("/start")
    sim.block(1002)
    await first.send("/burst")
    await first.wait_idle()
    assert len(await first.replies(3)) == 3
    assert isinstance(seen[0], RetryAfter) and seen[0].retry_after == 1
    await first.send("/notify")
    await first.wait_idle()
    assert (
        isinstance(seen[1], Forbidden)
        and seen[1].message == "Forbidden: bot was blocked by the user"
    )


async def test_second_poller_gets_conflict(
    sim: Simulator, polling: Polling, make_app: MakeApp
) -> None:
    await polling(make_app())
    await asyncio.sleep(0.1)  # the application's long poll is now pending
    async with Bot(sim.token, base_url=sim.url + "/bot") as intruder:
        for _ in range(20):
            try:
                await intruder.get_updates(timeout=1)
            except Conflict as exc:
                assert "terminated by other getUpdates request" in exc.message
                return
    pytest.fail("the second poller never got 409 Conflict")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_with_secret_token(sim: Simulator, make_app: MakeApp) -> None:
    app = make_app()

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("via webhook")

    app.add_handler(CommandHandler("start", start))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1", port=port, url_path="hook", webhook_url=url, secret_token="right-secret"
    )
    try:
        user = sim.user(1001)
        await user.send("/start")
        assert (await user.reply()).text == "via webhook"
        assert sim.webhook is not None and sim.webhook.secret_token == "right-secret"

        # With the wrong secret PTB answers 403; the server keeps the update and reports it.
        async with httpx.AsyncClient() as client:
            await client.post(
                f"{sim.url}/bot{sim.token}/setWebhook", data={"url": url, "secret_token": "wrong"}
            )
        await user.send("/start")
        await asyncio.sleep(0.3)
        info = (await client_get(sim, "getWebhookInfo"))["result"]
        assert info["pending_update_count"] == 1
        assert info["last_error_message"].startswith("Wrong response from the webhook: 403")
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def client_get(sim: Simulator, method: str) -> dict:  # type: ignore[type-arg]
    """One raw call."""
    async with httpx.AsyncClient() as client:
        return (await client.get(f"{sim.url}/bot{sim.token}/{method}")).json()  # type: ignore[no-any-return]
