"""Start-up imports only what every update needs.

Start-up is bounded by imports (about two thirds of it, measured): a library that only some
commands use is imported where it is used, so `paket-bot run` does not pay for it first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# What the running bot imports: the CLI (its `run`), the app, both runtimes' front ends.
BOT = ["bot.cli", "bot.runtime.app", "bot.runtime.ptb.frontend", "bot.runtime.aiogram.frontend"]

# Used by a few commands only, each imported where it is used.
ON_FIRST_USE = {
    "alembic": "migrations, only when the database is behind (storage.db.migrate)",
    "matplotlib": "report charts (bot.reports.chart)",
    "xlsxwriter": "report workbooks (bot.reports.workbook)",
    "icalendar": "a meeting's calendar file (bot.domain.meetings.ics)",
    "dateparser": "a typed meeting date (bot.domain.meetings.dates)",
    "aiohttp.web": "aiogram's webhook server (webhook mode only)",
}


def _loaded_after_importing(modules: list[str]) -> set[str]:
    probe = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    return set(json.loads(done.stdout))


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    return _loaded_after_importing(BOT)


@pytest.mark.parametrize("library", sorted(ON_FIRST_USE))
def test_the_bot_starts_without_a_library_only_some_commands_use(
    loaded: set[str], library: str
) -> None:
    assert "bot.runtime.app" in loaded  # the probe really imported the bot
    assert library not in loaded, (
        f"{library} is imported at start-up; it serves {ON_FIRST_USE[library]}"
    )
