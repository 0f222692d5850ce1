"""Fixtures: a running Simulator, raw HTTP helpers for it, and real PTB bots pointed at it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from telegram.ext import Application

from bot.simulator import Simulator

App = Application  # type: ignore[type-arg]


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A started simulator on a random loopback port."""
    async with Simulator(token="123456:TEST", bot_username="paket_bot") as simulator:
        yield simulator


@pytest.fixture
async def http(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """Plain HTTP client rooted at the bot's method URL."""
    async with httpx.AsyncClient(base_url=f"{sim.url}/bot{sim.token}/", timeout=10) as client:
        yield client


@pytest.fixture
def call(http: httpx.AsyncClient) -> Callable[..., Awaitable[tuple[int, dict[str, Any]]]]:
    """``await call("sendMessage", chat_id=1, text="x")`` -> (status, json), form-encoded like PTB."""

    async def _call(method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = await http.post(method, data=form)
        return response.status_code, response.json()

    return _call


@pytest.fixture
def expect(
    call: Callable[..., Awaitable[tuple[int, dict[str, Any]]]],
) -> Callable[..., Awaitable[None]]:
    """``await expect(400, "Bad Request: ...", "sendMessage", chat_id=...)``: fails exactly so."""

    async def _expect(status: int, description: str, method: str, **params: Any) -> None:
        got = await call(method, **params)
        want = (status, {"ok": False, "error_code": status, "description": description})
        assert got == want, (method, params)

    return _expect


@pytest.fixture
def upload(http: httpx.AsyncClient) -> Callable[..., Awaitable[httpx.Response]]:
    """``await upload("sendDocument", {"chat_id": "1"}, "document", ("a.pdf", b"..", "application/pdf"))``."""

    async def _upload(
        method: str, data: dict[str, str], field: str, file: tuple[str, bytes, str]
    ) -> httpx.Response:
        return await http.post(method, data=data, files={field: file})

    return _upload


@pytest.fixture
def make_app(sim: Simulator) -> Callable[[], App]:
    """Build a PTB Application pointed at the simulator, as the real bot builds it."""

    def _make() -> App:
        return (
            Application.builder()
            .token(sim.token)
            .base_url(sim.url + "/bot")
            .base_file_url(sim.url + "/file/bot")
            .build()
        )

    return _make


@pytest.fixture
async def polling(sim: Simulator) -> AsyncIterator[Callable[[App], Awaitable[None]]]:
    """``await polling(app)`` starts ``app`` polling the simulator; stopped cleanly afterwards."""
    started: list[App] = []

    async def _run(app: App) -> None:
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        started.append(app)

    yield _run
    for app in started:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
