"""Telegram's refusals, over raw HTTP: wording, status codes, flood control, file limits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.simulator import Simulator, sample_png

Call = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]
Expect = Callable[..., Awaitable[None]]
Upload = Callable[..., Awaitable[httpx.Response]]
BUTTON = {"inline_keyboard": [[{"text": "Setuju", "callback_data": "consent:yes"}]]}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


async def test_text_caption_and_markup_errors(
    sim: Simulator, call: Call, expect: Expect, upload: Upload
) -> None:
    await sim.user(1001).send("hi")
    empty, too_long = "Bad Request: message text is empty", "Bad Request: message is too long"
    await expect(400, empty, "sendMessage", chat_id=1001, text="")
    await expect(400, empty, "sendMessage", chat_id=1001, text=" \n")
    await expect(400, too_long, "sendMessage", chat_id=1001, text="a" * 4097)
    assert (await call("sendMessage", chat_id=1001, text="a" * 4096))[0] == 200
    doc = ("rab.pdf", b"%PDF-1.4", "application/pdf")
    response = await upload(
        "sendDocument", {"chat_id": "1001", "caption": "c" * 1025}, "document", doc
    )
    assert response.json()["description"] == "Bad Request: message caption is too long"
    for bad in ("1 < 2", "<foo>x</foo>", "<b>x", "<b><i>x</b></i>", "AT&T"):
        status, body = await call("sendMessage", chat_id=1001, text=bad, parse_mode="HTML")
        assert status == 400
        assert body["description"].startswith("Bad Request: can't parse entities: "), bad
    for data in ("x" * 65, "é" * 33, ""):  # 65 bytes, 66 bytes, empty
        markup = {"inline_keyboard": [[{"text": "B", "callback_data": data}]]}
        await expect(
            400,
            "Bad Request: BUTTON_DATA_INVALID",
            "sendMessage",
            chat_id=1001,
            text="t",
            reply_markup=markup,
        )
    ok_markup = {"inline_keyboard": [[{"text": "B", "callback_data": "é" * 32}]]}
    assert (await call("sendMessage", chat_id=1001, text="t", reply_markup=ok_markup))[0] == 200
    assert not sim.user(1001).inbox[-1].entities


async def test_chat_not_found_until_the_user_writes(
    sim: Simulator, call: Call, expect: Expect
) -> None:
    await expect(400, "Bad Request: chat not found", "sendMessage", chat_id=424242, text="x")
    user = sim.user(1002)
    await expect(400, "Bad Request: chat not found", "sendMessage", chat_id=1002, text="x")
    await expect(400, "Bad Request: chat_id is empty", "sendMessage", text="x")
    await user.send("/start")
    assert (await call("sendMessage", chat_id=1002, text="x"))[0] == 200


async def test_edit_errors_and_keyboard_removal(sim: Simulator, call: Call, expect: Expect) -> None:
    user = sim.user(1001)
    await user.send("hi")
    _, sent = await call(
        "sendMessage", chat_id=1001, text="<b>Pilih</b>", parse_mode="HTML", reply_markup=BUTTON
    )
    mid = sent["result"]["message_id"]
    same = {"chat_id": 1001, "message_id": mid, "text": "<b>Pilih</b>", "parse_mode": "HTML"}
    await expect(400, NOT_MODIFIED, "editMessageText", **same, reply_markup=BUTTON)
    missing = "Bad Request: message to edit not found"
    await expect(400, missing, "editMessageText", chat_id=1001, message_id=999, text="x")
    users_own = "Bad Request: message can't be edited"
    await expect(400, users_own, "editMessageText", chat_id=1001, message_id=1, text="x")
    # Same text without reply_markup is a change: Telegram drops the keyboard.
    status, edited = await call("editMessageText", **same)
    assert status == 200 and "reply_markup" not in edited["result"]
    assert user.inbox[0].buttons == [] and user.inbox[0].edited
    await expect(400, NOT_MODIFIED, "editMessageReplyMarkup", chat_id=1001, message_id=mid)
    status, _ = await call(
        "editMessageReplyMarkup", chat_id=1001, message_id=mid, reply_markup=BUTTON
    )
    assert status == 200 and user.inbox[0].button_labels() == ["Setuju"]
    assert (await call("deleteMessage", chat_id=1001, message_id=mid))[0] == 200
    gone = "Bad Request: message to delete not found"
    await expect(400, gone, "deleteMessage", chat_id=1001, message_id=mid)
    assert user.inbox == []


async def test_answer_callback_query_rules(sim: Simulator, call: Call, expect: Expect) -> None:
    user = sim.user(1001)
    await user.send("hi")
    await call("sendMessage", chat_id=1001, text="Setuju?", reply_markup=BUTTON)
    await user.press("Setuju")
    _, updates = await call("getUpdates", offset=-1)
    query = updates["result"][0]["callback_query"]
    assert query["data"] == "consent:yes" and query["from"]["id"] == 1001
    assert query["message"]["text"] == "Setuju?" and query["chat_instance"]
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    long_text = "Bad Request: MESSAGE_TOO_LONG"
    await expect(
        400, long_text, "answerCallbackQuery", callback_query_id=query["id"], text="x" * 201
    )
    status, _ = await call(
        "answerCallbackQuery", callback_query_id=query["id"], text="Ok", show_alert=True
    )
    assert status == 200
    assert user.callback_answers[-1]["text"] == "Ok" and user.callback_answers[-1]["show_alert"]
    await expect(400, too_old, "answerCallbackQuery", callback_query_id=query["id"])
    await expect(400, too_old, "answerCallbackQuery", callback_query_id="123")
    sim.callback_timeout = 0.05
    await user.press("Setuju")
    _, updates = await call("getUpdates", offset=-1)
    await asyncio.sleep(0.1)
    late = updates["result"][0]["callback_query"]["id"]
    await expect(400, too_old, "answerCallbackQuery", callback_query_id=late)


async def test_blocked_user_gets_403_until_unblocked(
    sim: Simulator, call: Call, expect: Expect
) -> None:
    user = sim.user(1001)
    await user.send("hi")
    sim.block(1001)
    blocked = "Forbidden: bot was blocked by the user"
    await expect(403, blocked, "sendMessage", chat_id=1001, text="x")
    await expect(403, blocked, "sendChatAction", chat_id=1001, action="typing")
    _, updates = await call("getUpdates")
    assert updates["result"][-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    sim.unblock(1001)
    assert (await call("sendMessage", chat_id=1001, text="x"))[0] == 200


async def test_flood_control_answers_429_with_retry_after(sim: Simulator, call: Call) -> None:
    sim.set_limits(per_chat_per_second=1.0, per_chat_burst=2, human_pause=0)
    await sim.user(1001).send("hi")
    for _ in range(2):
        assert (await call("sendMessage", chat_id=1001, text="x"))[0] == 200
    status, body = await call("sendMessage", chat_id=1001, text="x")
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    assert (await call("sendChatAction", chat_id=1001, action="typing"))[0] == 200  # not counted
    await asyncio.sleep(1.0)
    assert (await call("sendMessage", chat_id=1001, text="x"))[0] == 200

    sim.set_limits(global_per_second=30, global_burst=3, per_chat_burst=5)
    for uid in range(2001, 2005):
        await sim.user(uid).send("hi")
    statuses = [(await call("sendMessage", chat_id=uid, text="x"))[0] for uid in range(2001, 2005)]
    assert statuses == [200, 200, 200, 429]


async def test_user_actions_earn_the_bot_room_to_reply(sim: Simulator, call: Call) -> None:
    user = sim.user(1001)  # default limits: 1/s per chat, burst 3, a 3 s human pause per action
    for _ in range(10):
        await user.send("next step")
        for _ in range(2):
            assert (await call("sendMessage", chat_id=1001, text="reply"))[0] == 200
    statuses = [(await call("sendMessage", chat_id=1001, text="spam"))[0] for _ in range(5)]
    assert 429 in statuses


async def test_user_file_round_trip_and_size_limit(
    sim: Simulator, call: Call, expect: Expect, http: httpx.AsyncClient
) -> None:
    user = sim.user(1001)
    await user.send_document(b"%PDF-1.4 RAB", filename="rab.pdf", caption="RAB")
    _, updates = await call("getUpdates")
    document = updates["result"][0]["message"]["document"]
    assert document["file_name"] == "rab.pdf" and document["mime_type"] == "application/pdf"
    assert document["file_size"] == 12
    status, info = await call("getFile", file_id=document["file_id"])
    assert status == 200 and info["result"]["file_size"] == 12
    path = info["result"]["file_path"]
    assert (await http.get(f"{sim.url}/file/bot{sim.token}/{path}")).content == b"%PDF-1.4 RAB"
    assert (await http.get(f"{sim.url}/file/bot{sim.token}/documents/x.pdf")).status_code == 404
    assert (await http.get(f"{sim.url}/file/bot1:X/{path}")).status_code == 401

    await user.send_document(b"\0" * (20 * 1024 * 1024 + 1), filename="big.zip")
    _, updates = await call("getUpdates", offset=-1)
    big = updates["result"][0]["message"]["document"]["file_id"]
    await expect(400, "Bad Request: file is too big", "getFile", file_id=big)
    await expect(400, "Bad Request: invalid file_id", "getFile", file_id="nope")


async def test_bot_uploads_are_stored_and_reusable(
    sim: Simulator, call: Call, expect: Expect, upload: Upload
) -> None:
    # Lifted: uploads to one chat in a row; flood control is tested above.
    sim.set_limits(None)
    user = sim.user(1001)
    await user.send("hi")
    caption = {"chat_id": "1001", "caption": "<b>RAB</b>", "parse_mode": "HTML"}
    response = await upload(
        "sendDocument", caption, "document", ("rab.pdf", b"PDF", "application/pdf")
    )
    document = response.json()["result"]["document"]
    message = user.inbox[-1]
    assert message.document == document and message.text == "RAB" and message.html == "<b>RAB</b>"
    assert sim.files.sent_by_bot()[0].data == b"PDF"
    assert (await call("sendDocument", chat_id=1001, document=document["file_id"]))[0] == 200
    wrong = "Bad Request: wrong file identifier/HTTP URL specified"
    await expect(400, wrong, "sendDocument", chat_id=1001, document="BQAC-unknown")

    png = ("p.png", sample_png(400, 200), "image/png")
    photo = await upload("sendPhoto", {"chat_id": "1001"}, "photo", png)
    sizes = photo.json()["result"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 45), (400, 200)]
    not_image = await upload(
        "sendPhoto", {"chat_id": "1001"}, "photo", ("p.png", b"no", "image/png")
    )
    assert not_image.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
    stored = len(sim.files)
    lost = await upload(
        "sendDocument", {"chat_id": "999"}, "document", ("x.pdf", b"x", "application/pdf")
    )
    assert lost.status_code == 400 and len(sim.files) == stored  # failed sends store nothing


async def test_commands_menu_and_descriptions(sim: Simulator, call: Call, expect: Expect) -> None:
    commands = [{"command": "start", "description": "Mulai"}]
    assert (await call("setMyCommands", commands=commands, language_code="id"))[0] == 200
    scope = {"type": "all_private_chats"}
    assert (await call("setMyCommands", commands=commands, scope=scope))[0] == 200
    assert sim.commands == {("default", "id"): commands, ("all_private_chats", ""): commands}
    assert (await call("getMyCommands", language_code="id"))[1]["result"] == commands
    bad = [{"command": "Start-Now", "description": "x"}]
    await expect(400, "Bad Request: BOT_COMMAND_INVALID", "setMyCommands", commands=bad)
    assert (await call("deleteMyCommands", language_code="id"))[0] == 200
    assert ("default", "id") not in sim.commands
    assert (await call("setChatMenuButton", menu_button={"type": "commands"}))[0] == 200
    assert (await call("getChatMenuButton"))[1]["result"] == {"type": "commands"}
    assert (await call("setMyDescription", description="Bot PAKET"))[0] == 200
    assert (await call("getMyDescription"))[1]["result"] == {"description": "Bot PAKET"}


async def test_send_location(sim: Simulator, call: Call, expect: Expect) -> None:
    user = sim.user(1001)
    await user.send("hi")
    assert (await call("sendLocation", chat_id=1001, latitude=-6.2, longitude=106.8))[0] == 200
    assert user.inbox[-1].location == {"latitude": -6.2, "longitude": 106.8}
    wrong = "Bad Request: wrong latitude specified"
    await expect(400, wrong, "sendLocation", chat_id=1001, latitude=91, longitude=0)
