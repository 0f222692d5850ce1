"""The fake Bot API over raw HTTP: routing, encodings, long polling, webhooks."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from aiohttp import web

from bot.simulator import Simulator

Call = Callable[..., Awaitable[tuple[int, dict[str, Any]]]]
BUTTON = {"inline_keyboard": [[{"text": "Setuju", "callback_data": "consent:yes"}]]}


async def test_get_me_auth_and_unknown_method(sim: Simulator, http: httpx.AsyncClient) -> None:
    me = (await http.post("getMe")).json()
    assert me == {
        "ok": True,
        "result": {
            "id": 123456,
            "is_bot": True,
            "first_name": "PAKET Bot",
            "username": "paket_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        },
    }
    assert (await http.get("GETME")).json()["result"]["username"] == "paket_bot"
    wrong = await http.post(f"{sim.url}/bot999:WRONG/getMe")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    unknown = await http.post("sendTelepathy")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


async def test_every_encoding_is_decoded(sim: Simulator, http: httpx.AsyncClient) -> None:
    # Lifted: this test sends many raw calls to one chat to check decoding, not flood control
    # (tests/simulator/test_sim_http_errors.py tests the limits).
    sim.set_limits(None)
    await sim.user(1001).send("hi")
    markup = json.dumps(BUTTON)
    form = {"chat_id": "1001", "text": "f", "reply_markup": markup}
    responses = [
        await http.post("sendMessage", data=form),
        await http.post("sendMessage", json={"chat_id": 1001, "text": "j", "reply_markup": BUTTON}),
        await http.get("sendMessage", params={"chat_id": "1001", "text": "q"}),
        await http.post(
            "sendMessage",
            data={**form, "text": "m"},
            files={"unused": ("a.txt", b"x", "text/plain")},
        ),
    ]
    assert [r.status_code for r in responses] == [200] * 4
    assert [r.json()["result"].get("reply_markup") for r in responses] == [
        BUTTON,
        BUTTON,
        None,
        BUTTON,
    ]
    assert sim.calls_to("sendMessage")[0] == {"chat_id": 1001, "text": "f", "reply_markup": BUTTON}
    user = sim.user(1001)
    assert [m.text for m in user.inbox] == ["f", "j", "q", "m"]
    assert [m.message_id for m in user.inbox] == [2, 3, 4, 5]  # the user's "hi" was 1


async def test_long_poll_waits_for_an_update_and_honours_timeout(
    sim: Simulator, call: Call
) -> None:
    started = time.monotonic()
    status, empty = await call("getUpdates", timeout=1)
    assert (status, empty["result"]) == (200, [])
    assert 0.9 <= time.monotonic() - started < 2

    poll = asyncio.create_task(call("getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    update_id = await sim.user(1001, first_name="Siti").send("/start abc123")
    status, got = await asyncio.wait_for(poll, 1)
    [update] = got["result"]
    assert update["update_id"] == update_id
    message = update["message"]
    assert message["text"] == "/start abc123"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["chat"] == {"id": 1001, "first_name": "Siti", "type": "private"}
    assert message["from"] == {"id": 1001, "is_bot": False, "first_name": "Siti"}


async def test_offset_confirms_and_limit_and_allowed_updates(sim: Simulator, call: Call) -> None:
    user = sim.user(1001)
    ids = [await user.send(f"m{i}") for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    _, first = await call("getUpdates", limit=2)
    assert [u["update_id"] for u in first["result"]] == ids[:2]
    _, again = await call("getUpdates")  # nothing confirmed yet: delivered again
    assert [u["update_id"] for u in again["result"]] == ids
    _, rest = await call("getUpdates", offset=ids[1] + 1)
    assert [u["update_id"] for u in rest["result"]] == ids[2:]
    _, last = await call("getUpdates", offset=-1)
    assert [u["update_id"] for u in last["result"]] == ids[2:]
    _, none = await call("getUpdates", offset=ids[2] + 1)
    assert none["result"] == []

    await user.send("text is filtered out")
    _, sent = await call("sendMessage", chat_id=1001, text="Pilih", reply_markup=BUTTON)
    await user.press("Setuju")
    _, only_callbacks = await call("getUpdates", allowed_updates=["callback_query"])
    [update] = only_callbacks["result"]
    assert update["callback_query"]["message"]["message_id"] == sent["result"]["message_id"]
    await user.send("still filtered: the setting persists")
    _, none = await call("getUpdates", offset=update["update_id"] + 1)
    assert none["result"] == []
    await user.send("back to the default set")
    _, default = await call("getUpdates", allowed_updates=[])
    assert [u["message"]["text"] for u in default["result"]] == ["back to the default set"]


async def test_second_poller_terminates_the_first(call: Call) -> None:
    first = asyncio.create_task(call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    status, second = await call("getUpdates", timeout=0)
    assert (status, second["result"]) == (200, [])
    status, body = await asyncio.wait_for(first, 1)
    assert (status, body) == (
        409,
        {
            "ok": False,
            "error_code": 409,
            "description": "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        },
    )


async def test_get_updates_refused_while_webhook_is_set(call: Call) -> None:
    status, body = await call("setWebhook", url="https://example.org/hook", secret_token="s3cr-et_")
    assert (status, body) == (200, {"ok": True, "result": True, "description": "Webhook was set"})
    status, body = await call("getUpdates")
    assert status == 409
    assert body["description"] == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    _, body = await call("setWebhook", url="http://example.org/hook")
    assert body["description"] == (
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    )
    _, body = await call("setWebhook", url="https://example.org/hook", secret_token="no spaces")
    assert body["description"] == "Bad Request: secret token contains unallowed characters"
    _, body = await call("deleteWebhook")
    assert body == {"ok": True, "result": True, "description": "Webhook was deleted"}
    assert (await call("getUpdates"))[0] == 200


async def test_webhook_delivery_with_secret_and_retry(sim: Simulator, call: Call) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [500]

    async def hook(request: web.Request) -> web.Response:
        if failures:
            return web.Response(status=failures.pop())
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        assert (await call("setWebhook", url=url, secret_token="s3cret"))[0] == 200
        update_id = await sim.user(1001).send("/start")
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.02)
        assert received == [("s3cret", received[0][1])]
        assert received[0][1]["update_id"] == update_id
        _, info = await call("getWebhookInfo")
        assert info["result"]["url"] == url
        assert info["result"]["pending_update_count"] == 0
        assert info["result"]["last_error_message"] == (
            "Wrong response from the webhook: 500 Internal Server Error"
        )
    finally:
        await call("deleteWebhook")
        await runner.cleanup()
