"""EVENT_LOOP: the bot process runs on uvloop by default, on asyncio's loop when asked or when
uvloop is missing. (The e2e tests that start `paket-bot run`, e.g. test_reminders_processes,
run the whole bot on the default.)"""

from __future__ import annotations

import asyncio
import logging
import sys

import pytest
import uvloop

from bot.config import load_settings
from bot.runtime.event_loop import run_on


async def _loop_module() -> str:
    await asyncio.sleep(0)  # a real turn of the loop
    return type(asyncio.get_running_loop()).__module__


def test_uvloop_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENT_LOOP", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.event_loop == "uvloop"
    assert run_on(settings.event_loop, _loop_module()) == uvloop.Loop.__module__


def test_asyncio_loop_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENT_LOOP", "asyncio")
    settings = load_settings(_env_file=None)
    assert run_on(settings.event_loop, _loop_module()).startswith("asyncio.")


def test_without_uvloop_installed_asyncio_runs_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop → ImportError
    with caplog.at_level(logging.WARNING, logger="bot.runtime.event_loop"):
        assert run_on("uvloop", _loop_module()).startswith("asyncio.")
    assert "uvloop is not installed" in caplog.text
