"""Round trips per update: SQL statements and Bot API calls for each kind of update.

The real bot runs against the simulator over HTTP (as in tests/e2e); each update is counted
from the moment PTB hands it to our handler until the handler returns. Counts are
deterministic, unlike timings, so the bounds below can be generous (1.5× today's counts,
see docs/benchmarks.md) and still catch a change that doubles the work of an update.

    PAKET_ROUND_TRIPS=1 .venv/bin/pytest -q -s tests/test_round_trips.py   # print every count
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from sqlalchemy import event

from bot.config import load_settings
from bot.domain.clock import SystemClock
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, Simulator, SimUser
from bot.ui import Incoming
from storage.db import Database
from storage.models import Role
from tests.e2e.conftest import TOKEN, World, forge_press, seed
from tests.e2e.test_proposal_status import make_proposal

SHOW = bool(os.environ.get("PAKET_ROUND_TRIPS"))
# Bot API methods that are not a reply to the update (the poll loop).
NOT_PER_UPDATE = {"getUpdates"}

_counting: contextvars.ContextVar[Trips | None] = contextvars.ContextVar("trips", default=None)


@dataclass
class Trips:
    """What one update cost."""

    sql: list[str] = field(default_factory=list)
    api: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verbs = Counter(s.split(None, 1)[0].upper() for s in self.sql)
        return f"{len(self.sql)} SQL {dict(verbs)}; {len(self.api)} API {self.api}"


@dataclass
class Meter:
    """Counts the work of the next update the bot handles."""

    world: World
    done: asyncio.Event = field(default_factory=asyncio.Event)
    current: Trips | None = None

    async def measure(self, label: str, act: Callable[[], Awaitable[Any]]) -> Trips:
        trips = self.current = Trips()
        self.done.clear()
        first_call = len(self.world.sim.calls)
        await act()
        await asyncio.wait_for(self.done.wait(), 15)
        trips.api = [m for m, _ in self.world.sim.calls[first_call:] if m not in NOT_PER_UPDATE]
        self.current = None
        if SHOW:
            print(f"\n{label}: {trips.summary()}")
            for statement in trips.sql:
                verb, _, rest = " ".join(statement.split()).partition(" FROM ")
                print("   ", (verb[:40] + " … FROM " + rest if rest else verb)[:200])
        return trips


def _install(world: World) -> Meter:
    meter = Meter(world)
    frontend = world.bot.frontend
    handlers = frontend.handlers
    assert handlers is not None  # set when the bot started

    async def counted(incoming: Incoming, pressed: int | None, callback: str | None) -> None:
        token = _counting.set(meter.current)
        try:
            await handlers.handle(incoming, pressed, callback)
        finally:
            _counting.reset(token)
            meter.done.set()

    frontend.handlers = replace(handlers, handle=counted)

    @event.listens_for(world.bot.db.engine.sync_engine, "before_cursor_execute")
    def _statement(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        trips = _counting.get()
        # BEGIN is SQLite's write lock (PostgreSQL begins implicitly): not a query.
        if trips is not None and not statement.lstrip().upper().startswith("BEGIN"):
            trips.sql.append(statement)

    return meter


@pytest.fixture
async def meter(database_url: str) -> AsyncIterator[Meter]:
    """The real bot on the simulator (as tests/e2e's `world`), with a meter on its handler."""
    clock = SystemClock()
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        sim.set_limits(None)  # pacing is not what is measured here
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
            yield _install(world)
        finally:
            await world.bot.stop()
            await db.dispose()


def last_with(user: SimUser, text: str) -> SimMessage:
    return next(m for m in reversed(user.inbox) if text in m.plain)


# Upper bounds (SQL statements, Bot API calls) per kind of update: 1.5× the counts measured
# (docs/benchmarks.md, "Round trips per update"), rounded down, so doubling any of them fails.
BOUNDS = {
    "start with invite": (4, 1),
    "consent": (18, 4),
    "name confirmed": (6, 4),
    "language chosen": (10, 6),  # 7 since the inviter is told (invite_redemption)
    "/menu": (4, 1),
    "free text": (4, 1),
    "/status": (7, 1),
    "/status CODE": (12, 1),
    "form: /usulan": (12, 3),
    "form: text answer": (10, 1),
    "form: button press": (10, 4),
    "button press delivered again": (1, 0),
    "refused (a domain error)": (9, 4),
    "form: /usulan with a draft": (6, 1),
    "form: start afresh": (6, 4),
    "form: draft discarded": (19, 6),  # the old draft's rows, then a new one
}


async def test_round_trips_per_update(meter: Meter):
    world = meter.world
    counts: dict[str, Trips] = {}

    async def measure(label: str, act: Callable[[], Awaitable[Any]]) -> None:
        counts[label] = await meter.measure(label, act)

    # Onboarding, one step at a time (as World.register walks it).
    token = await world.invite(Role.KOORDINATOR, bkm="BKM Sukamaju")
    koor = world.sim.user(8101, first_name="Siti")
    await measure("start with invite", lambda: koor.send(f"/start {token}"))
    await measure("consent", lambda: koor.press(None, "setuju"))
    await measure("name confirmed", lambda: koor.press(None, "Ya, benar"))
    await measure("language chosen", lambda: koor.press(None, "Bahasa Indonesia"))

    await measure("/menu", lambda: koor.send("/menu"))
    await measure("free text", lambda: koor.send("halo"))

    for i in range(3):
        _, code = await make_proposal(world, koor, koor, judul=f"Usulan nomor {i}")
    await measure("/status", lambda: koor.send("/status"))
    await measure("/status CODE", lambda: koor.send(f"/status {code}"))

    await measure("form: /usulan", lambda: koor.send("/usulan"))
    await measure("form: text answer", lambda: koor.send("Jalan lingkungan RW 05"))
    question = last_with(koor, "Pertanyaan 2 dari")
    pressed: list[dict[str, Any]] = []

    async def press_and_keep() -> None:
        update_id = await koor.press(question, "Lingkungan")
        pressed.extend(u.body for u in world.sim.updates.pending if u.update_id == update_id)

    await measure("form: button press", press_and_keep)
    await measure(
        "button press delivered again",
        lambda: world.bot.frontend.feed(pressed[0]),
    )
    # A draft that is not there: rolled back, then explained in a second, short transaction.
    third = last_with(koor, "Pertanyaan 3 dari")
    await measure("refused (a domain error)", lambda: forge_press(koor, third, "p:open:999999"))

    # The benchmark's round: /usulan again with that draft open, start afresh, confirm.
    await measure("form: /usulan with a draft", lambda: koor.send("/usulan"))
    await measure("form: start afresh", lambda: koor.press(None, "Mulai baru"))
    await measure("form: draft discarded", lambda: koor.press(None, "Ya, hapus"))

    world.sim.assert_no_errors()
    for label, (max_sql, max_api) in BOUNDS.items():
        trips = counts[label]
        assert len(trips.sql) <= max_sql, f"{label}: {trips.summary()}"
        assert len(trips.api) <= max_api, f"{label}: {trips.summary()}"
