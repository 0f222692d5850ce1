"""The database goes away and comes back: people are told, and no update is lost.

SQLite: another process holds the write lock (as a long CLI job or a stuck backup would), so
every transaction of the bot fails with "database is locked" after the busy timeout.
PostgreSQL: the bot reaches the server through a TCP proxy the test closes, dropping every
open connection and refusing new ones, then opens again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlmodel import col, select

from bot.config import load_settings
from bot.domain.clock import SystemClock
from bot.runtime.app import BotProcess
from bot.simulator import Simulator
from storage import db as storage_db
from storage.db import Database, is_unavailable, normalise_url
from storage.models import ProcessedUpdate, Proposal, Role
from tests.conftest import PG_URL
from tests.e2e.conftest import TOKEN, World, seed

OUTAGE = "Maaf, layanan sedang ada gangguan. Silakan coba beberapa saat lagi."
APOLOGY = "terjadi gangguan saat memproses"


class PgProxy:
    """A TCP proxy in front of PostgreSQL that can be closed (connections cut) and reopened."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._pipes):
            writer.transport.abort()
        self._pipes.clear()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._pipes.update((writer, up_writer))

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))


@dataclass
class Outage:
    """Takes the bot's database away (`begin`) and gives it back (`end`)."""

    url: str  # what the bot connects to
    proxy: PgProxy | None = None
    _lock: sqlite3.Connection | None = None

    async def begin(self) -> None:
        if self.proxy is not None:
            await self.proxy.close()
            return
        path = normalise_url(self.url).removeprefix("sqlite+aiosqlite:///")
        self._lock = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock.execute("BEGIN EXCLUSIVE")

    async def end(self) -> None:
        if self.proxy is not None:
            await self.proxy.open()
            return
        assert self._lock is not None
        self._lock.execute("ROLLBACK")
        self._lock.close()


@pytest.fixture
async def outage_world(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[World, Outage]]:
    """The usual world, but the bot's database can be taken away."""
    clock = SystemClock()
    proxy: PgProxy | None = None
    bot_url = database_url
    if database_url.startswith("postgres"):
        rest = database_url.split("@", 1)[1]
        hostport = rest.split("/", 1)[0]
        host, _, port = hostport.partition(":")
        proxy = PgProxy(host, int(port or 5432))
        await proxy.open()
        bot_url = database_url.replace(hostport, f"127.0.0.1:{proxy.port}")
    else:
        # A short busy timeout, so the outage shows in a second rather than thirty.
        monkeypatch.setattr(storage_db, "SQLITE_BUSY_SECONDS", 0.5)
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_server=sim.url,
            database_url=bot_url,
            _env_file=None,
        )
        db = Database(database_url)
        await seed(db, clock)
        world = World(sim, BotProcess(settings, clock), db, clock)
        await world.bot.start()
        try:
            yield world, Outage(bot_url, proxy)
        finally:
            await world.bot.stop()
            await db.dispose()
            if proxy is not None:
                with contextlib.suppress(Exception):
                    await proxy.close()


async def _until_handled(world: World, *update_ids: int) -> None:
    """Until the bot has stored every one of these updates.

    After an outage the waiting updates are tried again on a backoff of up to 4 s, so a quiet
    second proves nothing: on a slow machine the next try can still be ahead.
    """
    async with asyncio.timeout(30):
        while True:
            async with world.db.reading() as s:  # never in the bot's way (SQLite: WAL)
                stored = set((await s.exec(select(ProcessedUpdate.update_id))).all())
            if set(update_ids) <= stored:
                return
            await asyncio.sleep(0.1)


async def test_outage_is_explained_and_every_update_is_handled_after(
    outage_world: tuple[World, Outage], caplog: pytest.LogCaptureFixture
) -> None:
    world, outage = outage_world
    user = world.sim.user(7101, "Siti")
    await world.register(user, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await user.send("/usulan")
    await user.wait_idle(quiet=1.0)
    user.clear()

    await outage.begin()
    first = await user.send("Sumur <bor> & pompa RW 03")  # the title, typed during the outage
    notice = await user.reply(timeout=15)
    assert notice.text == OUTAGE
    later = await user.send("/bantuan")  # queued behind the first, in order
    await asyncio.sleep(1.0)
    assert [m.text for m in user.unread] == []  # nothing more while the database is away
    pressed = await user.send("/menu")
    await asyncio.sleep(0.5)

    await outage.end()
    await _until_handled(world, first, later, pressed)
    await user.wait_idle(quiet=1.0, timeout=30)
    texts = [m.text for m in user.inbox]
    assert not any(APOLOGY in t for t in texts)
    assert texts.count(OUTAGE) == 1  # told once, not for every retry or queued message

    async with world.db.transaction() as s:
        ids = set((await s.exec(select(ProcessedUpdate.update_id))).all())
        titles = (
            await s.exec(select(Proposal.judul).where(col(Proposal.judul).is_not(None)))
        ).all()
    assert {first, later, pressed} <= ids
    assert titles == ["Sumur <bor> & pompa RW 03"]
    world.sim.assert_no_errors()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_callback_during_outage_is_answered_once(
    outage_world: tuple[World, Outage],
) -> None:
    world, outage = outage_world
    user = world.sim.user(7102, "Budi")
    await world.register(user, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await user.send("/menu")
    menu = await user.reply()
    answered_before = len(world.sim.calls_to("answerCallbackQuery"))
    await outage.begin()
    press = await user.press(menu, menu.button_labels()[0])
    notice = await user.reply(timeout=15)
    assert notice.text == OUTAGE
    await outage.end()
    await _until_handled(world, press)
    await user.wait_idle(quiet=1.0, timeout=30)
    # One answerCallbackQuery per press: a second would be refused by Telegram.
    assert len(world.sim.calls_to("answerCallbackQuery")) == answered_before + 1
    assert len(user.inbox) >= 2
    world.sim.assert_no_errors()


@pytest.mark.skipif(not PG_URL, reason="SQLite keeps no connection to a server that restarts")
async def test_a_database_restart_between_updates_goes_unnoticed(
    outage_world: tuple[World, Outage], caplog: pytest.LogCaptureFixture
) -> None:
    """Every pooled connection is closed while nobody writes, and the server is back at once:
    the next update is answered as usual (the old connections are dropped, not reported)."""
    world, outage = outage_world
    user = world.sim.user(7103, "Rina")
    await world.register(user, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await user.send("/menu")  # the pool now holds connections the restart will close
    await user.reply()
    await user.wait_idle(quiet=0.5)
    await outage.begin()
    await outage.end()
    user.clear()
    await user.send("/bantuan")
    help_text = await user.reply(timeout=15)
    assert help_text.text != OUTAGE and "/status" in help_text.text
    await user.wait_idle(quiet=1.0)
    assert OUTAGE not in [m.text for m in user.inbox]
    world.sim.assert_no_errors()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_what_counts_as_unavailable() -> None:
    from sqlalchemy import exc

    locked = exc.OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked"))
    no_table = exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))
    assert is_unavailable(locked)
    assert is_unavailable(ConnectionRefusedError())
    assert not is_unavailable(no_table)  # a bug: apologise, do not wait for ever
    assert not is_unavailable(ValueError("x"))
