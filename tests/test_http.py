"""The aiohttp client under PTB: calls, uploads and downloads, and PTB's errors for failures."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.runtime.ptb.http import AiohttpRequest
from bot.simulator import Simulator

TOKEN = "123456:HTTP-TEST"


def _bot(root: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=root + "/bot", base_file_url=root + "/file/bot", request=request)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(token=TOKEN, bot_username="http_bot") as simulator:
        yield simulator


async def test_calls_uploads_and_downloads_go_through(sim: Simulator):
    user = sim.user(4001, first_name="Rina")
    await user.send("/start")
    bot = _bot(sim.url, AiohttpRequest(4))
    await bot.initialize()  # getMe
    try:
        assert bot.username == "http_bot"
        sent = await bot.send_message(user.id, "<b>Halo</b> Rina", parse_mode="HTML")
        assert sent.text == "Halo Rina" and user.last is not None and user.last.plain == "Halo Rina"
        calendar = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        document = await bot.send_document(
            user.id, InputFile(calendar, filename="rapat.ics"), caption="Undangan"
        )
        assert document.document is not None and document.document.file_name == "rapat.ics"
        stored = await bot.get_file(document.document.file_id)
        assert bytes(await stored.download_as_bytearray()) == calendar
        with pytest.raises(BadRequest):  # Telegram's own refusals still arrive as PTB errors
            await bot.send_message(user.id, "")
    finally:
        await bot.shutdown()


async def test_a_slow_answer_is_timed_out(sim: Simulator):
    bot = _bot(sim.url, AiohttpRequest(1, read_timeout=0.2))
    await bot.get_updates(timeout=0)  # before initialize(), as PTB's own client allows
    sim.latency = 1.0
    try:
        with pytest.raises(TimedOut):
            await bot.get_me()
    finally:
        await bot.shutdown()


async def test_an_unreachable_server_is_a_network_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free again once closed: nobody listens there
    bot = _bot(f"http://127.0.0.1:{port}", AiohttpRequest(1))
    try:
        with pytest.raises(NetworkError) as raised:
            await bot.initialize()
        assert not isinstance(raised.value, TimedOut)  # startup retries these (startup.py)
    finally:
        await bot.shutdown()
