"""End-to-end harness: the real bot, over HTTP, against the project's Bot API simulator."""

from __future__ import annotations

import asyncio
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.config import load_settings
from bot.domain import areas, invites
from bot.domain.actors import SYSTEM
from bot.domain.clock import SystemClock
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, Simulator, SimUser
from storage.db import Database
from storage.models import Role

TOKEN = "123456:TEST-TOKEN-abcdef"
# The bot runs on the real clock here, so a "recent" rating must be recent to today.
RECENT_ASSESSMENT = date.today() - timedelta(days=60)


@dataclass
class World:
    """The simulator, the running bot, and its database."""

    sim: Simulator
    bot: BotProcess
    db: Database
    clock: SystemClock

    async def invite(self, role: Role, bkm: str | None = None, kota: str | None = None) -> str:
        async with self.db.transaction() as s:
            the_bkm = await areas.find_bkm(s, bkm) if bkm else None
            the_kota = await areas.find_kota(s, kota) if kota else None
            return (
                await invites.create_invite(
                    s, self.clock, SYSTEM, role=role, bkm=the_bkm, kota=the_kota
                )
            ).token

    async def register(
        self,
        user: SimUser,
        role: Role,
        *,
        bkm: str | None = None,
        kota: str | None = None,
        locale: str = "id",
    ) -> None:
        """Walk `user` through onboarding with a fresh invite (used by tests of other features)."""
        token = await self.invite(role, bkm=bkm, kota=kota)
        await user.send(f"/start {token}")
        await user.reply()
        await user.press(None, "setuju")
        await user.reply()  # the name question (the notice itself is edited into a thank-you)
        await user.press(None, "Ya, benar")
        await user.reply()
        await user.press(None, "English" if locale == "en" else "Bahasa Indonesia")
        await user.reply()  # the main menu
        user.clear()


async def eventually(predicate: Callable[[], object], within: float = 10.0) -> None:
    """Wait until `predicate()` (sync or async) is truthy: for effects no chat message announces."""
    deadline = asyncio.get_running_loop().time() + within
    while not (await result if inspect.isawaitable(result := predicate()) else result):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def forge_press(user: SimUser, message: SimMessage, data: str) -> int:
    """Press a button that is not on the message: an old keyboard, or a forged callback."""
    return await user.send_raw_update(
        {
            "callback_query": {
                "id": f"forged-{uuid.uuid4().hex}",
                "from": {"id": user.id, "is_bot": False, "first_name": user.info.first_name},
                "message": message.raw,
                "chat_instance": "1",
                "data": data,
            }
        }
    )


async def seed(db: Database, clock: SystemClock) -> None:
    async with db.transaction() as s:
        await areas.add_kota(
            s, clock, SYSTEM, name="Bandung", province="Jawa Barat", timezone="Asia/Jakarta"
        )
        await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Sukamaju",
            kota="Bandung",
            kelurahan="Sukamaju",
            level="berdaya",
            assessed_on=RECENT_ASSESSMENT,
        )
        await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Cibeunying",
            kota="Bandung",
            kelurahan="Cibeunying",
            level="awal",
            assessed_on=RECENT_ASSESSMENT,
        )
        await areas.add_kota(s, clock, SYSTEM, name="Makassar", timezone="Asia/Makassar")
        await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Losari",
            kota="Makassar",
            kelurahan="Losari",
            level="mandiri",
            assessed_on=RECENT_ASSESSMENT,
        )
        await areas.add_mitra(
            s, clock, SYSTEM, name="Dinas PUPR Kota Bandung", kind="dinas", kota="Bandung"
        )
        await areas.add_mitra(
            s, clock, SYSTEM, name="Yayasan Peduli Bandung", kind="kelompok_peduli", kota="Bandung"
        )


# Every e2e test runs on each runtime (BOT_RUNTIME); PAKET_RUNTIMES=ptb picks one while working.
RUNTIMES = os.environ.get("PAKET_RUNTIMES", "ptb,aiogram").split(",")


@pytest.fixture(autouse=True, params=RUNTIMES)
def bot_runtime(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The framework under the bot, for every BotProcess the test starts (read by settings)."""
    monkeypatch.setenv("BOT_RUNTIME", request.param)
    return str(request.param)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    clock = SystemClock()
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_server=sim.url,
            database_url=database_url,
            _env_file=None,
        )
        db = Database(database_url)
        await seed(db, clock)
        world = World(sim, BotProcess(settings, clock), db, clock)
        await world.bot.start()
        try:
            yield world
        finally:
            await world.bot.stop()  # the bot a test restarted, if it did
            await db.dispose()
