"""Start-up when Telegram cannot be reached or refuses the token: one line each, no traceback."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import sys
from pathlib import Path

import pytest
from telegram import Bot

from bot.config import load_settings
from bot.runtime.app import make_frontend
from bot.runtime.edge import Frontend
from bot.runtime.pacing import Pacer
from bot.runtime.startup import (
    TelegramUnauthorized,
    TelegramUnreachable,
    TokenFilter,
    wait_for_telegram,
)
from bot.simulator import Simulator

TOKEN = "123456:ABCDEFG"
OTHER_TOKEN = "654321:SIMULATED-TOKEN"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bot(root: str, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=root + "/bot", base_file_url=root + "/file/bot")


def _frontend(root: str, token: str = TOKEN) -> Frontend:
    """The runtime under test (BOT_RUNTIME, set by the e2e conftest) pointed at `root`."""
    settings = load_settings(telegram_bot_token=token, telegram_api_server=root, _env_file=None)
    return make_frontend(settings, Pacer(settings.send_rate))


async def _wait(frontend: Frontend, sleep: FakeSleep, **limits: float) -> str:
    return await wait_for_telegram(
        frontend.connect, server=frontend.server, token=TOKEN, sleep=sleep, **limits
    )


class FakeSleep:
    """Records the delays asked for instead of waiting; may run something on a given call."""

    def __init__(self, on_call: dict[int, object] | None = None) -> None:
        self.delays: list[float] = []
        self.on_call = on_call or {}

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        action = self.on_call.get(len(self.delays))
        if action is not None:
            await action  # type: ignore[misc]


async def test_unreachable_server_is_retried_with_one_line_per_attempt(
    caplog: pytest.LogCaptureFixture,
):
    root = f"http://127.0.0.1:{_free_port()}"
    sleep = FakeSleep()
    caplog.set_level(logging.INFO)  # PTB's own DEBUG lines quote the Bot API URL
    frontend = _frontend(root)
    with pytest.raises(TelegramUnreachable) as raised:
        await _wait(frontend, sleep, attempts=6, first_delay=1.0, max_delay=10.0)
    await frontend.close()
    assert sleep.delays == [1, 2, 4, 8, 10]  # doubling, capped at max_delay
    mine = [r for r in caplog.records if r.name == "bot.runtime.startup"]
    assert [r.getMessage().split(" is not reachable ")[0] for r in mine] == [
        f"Telegram at {root}"
    ] * 5
    assert "trying again in 4 s (attempt 3)" in mine[2].getMessage()
    assert "Connect" in mine[0].getMessage()  # the framework's words for a refused connection
    # Nothing logged while waiting carries a traceback or the token.
    assert all(r.exc_info is None for r in caplog.records)
    assert not any(TOKEN in r.getMessage() for r in caplog.records)
    assert "\n" not in str(raised.value) and "setelah 6 kali mencoba" in str(raised.value)


async def test_a_refused_token_ends_in_one_line_without_the_token(
    caplog: pytest.LogCaptureFixture,
):
    sleep = FakeSleep()
    async with Simulator(token=OTHER_TOKEN) as sim:
        frontend = _frontend(sim.url)
        with pytest.raises(TelegramUnauthorized) as raised:
            await _wait(frontend, sleep)
        await frontend.close()
    message = str(raised.value)
    assert "menolak token bot" in message and sim.url in message
    assert "\n" not in message and TOKEN not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert sleep.delays == []  # a refused token is not retried
    assert not any(TOKEN in r.getMessage() for r in caplog.records)


async def test_a_server_that_comes_up_later_is_waited_for():
    port = _free_port()
    sim = Simulator(token=TOKEN, bot_username="late_bot")
    # Two attempts fail; during the second pause the server starts on that port.
    sleep = FakeSleep(on_call={2: sim.start(port=port)})
    frontend = _frontend(f"http://127.0.0.1:{port}")
    try:
        assert await _wait(frontend, sleep) == "late_bot"
        assert sleep.delays == [1, 2]
        assert await frontend.connect() == "late_bot"  # getMe is cached for the runtime
        assert [name for name, _ in sim.calls] == ["getMe"]
    finally:
        await frontend.close()
        await sim.stop()


async def test_cli_run_with_a_refused_token_prints_one_line(tmp_path: Path):
    async with Simulator(token=OTHER_TOKEN) as sim:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_SERVER": sim.url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'paket.db'}",
            "LOG_LEVEL": "INFO",
        }
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("paket-bot")),
            "run",
            cwd=tmp_path,  # no stray .env
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    err = stderr.decode()
    assert process.returncode == 1, err
    assert len(err.strip().splitlines()) == 1, err
    # In the operator's language (DEFAULT_LOCALE, Indonesian unless set).
    assert err.startswith("Kesalahan: Telegram di ") and "menolak token bot" in err
    assert "Traceback" not in err + stdout.decode() and TOKEN not in err


def test_the_token_is_masked_in_every_log_line_even_at_debug():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenFilter(TOKEN))  # what run() puts on its handlers
    logger = logging.getLogger("telegram")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        _bot("http://127.0.0.1:1")  # PTB: "Set Bot API URL: http://…/bot<token>"
        try:
            raise RuntimeError(f"POST http://127.0.0.1:1/bot{TOKEN}/getMe failed")
        except RuntimeError:
            logging.getLogger("telegram.ext").exception("a call failed: %s", f"bot{TOKEN}")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    written = stream.getvalue()
    assert "Set Bot API URL" in written and "/bot<token>" in written
    assert "a call failed: bot<token>" in written and "Traceback" in written
    assert TOKEN not in written
