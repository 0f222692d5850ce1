"""Reminders across crashes and processes: the bot as a real child process (`paket-bot run`).

The simulator runs in the test; the bot is started, SIGKILLed and started again as a separate
process, on the system clock (QUIET_HOURS=off, so nothing depends on the time of day). Each
test counts what people received: each invitation and each reminder exactly once.

A reminder is made due by writing its `due_at` in the database. The form reads a meeting's
start to the minute and offers offsets of five minutes or more, so a reminder composed the
honest way falls due up to a minute later; the tests would spend that minute waiting.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM
from bot.domain.clock import SystemClock
from bot.simulator import Simulator, SimUser
from bot.simulator.params import Params
from bot.simulator.registry import METHODS, Method
from storage.db import Database
from storage.meeting_models import MeetingReminder
from storage.models import Outbox, OutboxStatus, Role
from tests.bench.load import processes
from tests.conftest import PG_URL
from tests.e2e import meeting_setup as ms
from tests.e2e.conftest import TOKEN, eventually, seed

pytestmark = pytest.mark.processes

RINA, SITI, ANDI, PROBE = 7101, 7102, 7103, 7199
START_WITHIN = 60.0  # seconds for a child to answer: imports, migrations, first poll
REMINDER = "⏰ <b>Pengingat rapat</b>"


class Bots:
    """Child bot processes on one simulator and one database; all stopped at the end."""

    def __init__(self, sim: Simulator, database_url: str, folder: Path) -> None:
        self.sim, self.database_url, self.folder = sim, database_url, folder
        self.children: list[processes.Child] = []

    async def start(self, name: str, **settings: str) -> processes.Child:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_SERVER": self.sim.url,
            "DATABASE_URL": self.database_url,
            "QUIET_HOURS": "off",
            "LOG_LEVEL": "WARNING",
            **settings,
        }
        child = await processes.start(
            name, processes.paket_command(), env, self.folder, self.folder
        )
        self.children.append(child)
        return child

    async def polling(self, name: str) -> processes.Child:
        """A long-polling bot, once it answers a probe's /bantuan."""
        child = await self.start(name)
        probe = self.sim.user(PROBE, first_name="Probe")
        probe.clear()
        await probe.send("/bantuan")
        await self._until(child, lambda: bool(probe.unread))
        return child

    async def webhook(self, name: str, port: int, **settings: str) -> processes.Child:
        """A bot in webhook mode, once its web server listens (it starts after the jobs)."""
        child = await self.start(
            name, WEBHOOK_URL=f"http://127.0.0.1:{port}", WEBHOOK_SECRET="reminder-test",
            WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), **settings,
        )  # fmt: skip
        await self._until(child, lambda: _listening(port))
        return child

    async def _until(self, child: processes.Child, ready: Callable[[], bool]) -> None:
        deadline = asyncio.get_running_loop().time() + START_WITHIN
        while not ready():
            if child.exited() is not None:
                raise AssertionError(f"the bot exited with {child.exited()}:\n{child.tail()}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the bot did not start:\n{child.tail()}")
            await asyncio.sleep(0.1)

    async def kill(self, child: processes.Child) -> None:
        """SIGKILL: no shut-down hooks, no goodbye to the database or Telegram."""
        child.process.kill()
        await child.process.wait()

    async def stop_all(self) -> None:
        for child in self.children:
            await child.stop(grace=10)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as simulator:
        yield simulator


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    clock = SystemClock()
    await seed(database, clock)
    await ms.seed_person(database, clock, RINA, "Rina", Role.FASILITATOR, kota="Bandung")
    await ms.seed_person(database, clock, SITI, "Siti", Role.KOORDINATOR, bkm="BKM Sukamaju")
    # Andi lives in Makassar (his first BKM) and is also a member of BKM Sukamaju.
    await ms.seed_person(database, clock, ANDI, "Andi", Role.ANGGOTA, bkm="BKM Losari")
    async with database.transaction() as s:
        sukamaju = await areas.find_bkm(s, "BKM Sukamaju")
        await people.grant_role(s, clock, SYSTEM, telegram_id=ANDI, role=Role.ANGGOTA, bkm=sukamaju)
    yield database
    await database.dispose()


@pytest.fixture
async def bots(sim: Simulator, database_url: str, tmp_path: Path) -> AsyncIterator[Bots]:
    running = Bots(sim, database_url, tmp_path)
    try:
        yield running
    finally:
        await running.stop_all()


def _users(sim: Simulator, *ids: int) -> list[SimUser]:
    users = [sim.user(i) for i in ids]
    for user in users:
        user.chat.known = True  # they wrote to the bot before (seeded as registered)
    return users


async def _schedule(db: Database, bkm: str = "BKM Sukamaju") -> int:
    """A meeting three days ahead at 14.00 WIB, with the default reminders (24 h and 1 h)."""
    when = ms.local(datetime.now(ms.WIB).replace(hour=14, minute=0) + timedelta(days=3))
    return await ms.schedule_meeting(db, SystemClock(), RINA, bkm=bkm, when=when)


async def _make_due(db: Database, *meeting_ids: int) -> None:
    """Every pending reminder of these meetings falls due now (see the module docstring)."""
    async with db.transaction() as s:
        await s.exec(  # type: ignore[call-overload]
            update(MeetingReminder)
            .where(col(MeetingReminder.meeting_id).in_(meeting_ids))
            .values(due_at=datetime.now(ms.WIB) - timedelta(seconds=1))
        )


async def _statuses(db: Database, meeting_id: int) -> set[str]:
    return {r.status for r in (await ms.reminder_rows(db, meeting_id)).values()}


async def _all_sent(db: Database) -> bool:
    async with db.transaction() as s:
        statuses = {r.status for r in (await s.exec(select(Outbox))).all()}
    return statuses <= {OutboxStatus.SENT.value}


def _received(user: SimUser) -> tuple[int, int, int]:
    """(invitations, calendar files, reminders) in the user's chat."""
    return len(ms.invitations(user)), len(ms.calendar_files(user)), len(ms.reminders(user))


async def test_killed_before_the_reminder_the_restarted_bot_sends_each_once(
    sim: Simulator, db: Database, bots: Bots
):
    siti, andi = _users(sim, SITI, ANDI)
    first = await bots.polling("first")
    meeting_id = await _schedule(db)
    await siti.replies(2, timeout=20)  # the invitation and its calendar file
    await andi.replies(2, timeout=20)
    await eventually(lambda: _all_sent(db), within=20)  # and marked sent before the kill

    await bots.kill(first)
    await _make_due(db, meeting_id)  # both reminders fall due while the bot is down
    assert await _statuses(db, meeting_id) == {"pending"}
    await bots.polling("restarted")
    await siti.replies(2, timeout=20)
    await andi.replies(2, timeout=20)
    await eventually(lambda: _all_sent(db), within=20)
    for user in (siti, andi):
        await user.wait_idle(quiet=1.0)
        assert _received(user) == (1, 1, 2)
        assert all("terlambat" not in m.text for m in ms.reminders(user))
    assert "15.00 WITA" in ms.reminders(andi)[0].text
    assert await _statuses(db, meeting_id) == {"done"}


class HeldSends:
    """The simulated Telegram takes the bot's reminder sends and never answers them.

    `delivered=False`: the request is cut before Telegram acts on it (nothing reaches the
    chat). `delivered=True`: Telegram delivered it, but the answer never reached the bot.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, delivered: bool) -> None:
        self.armed, self.held = True, 0
        original = METHODS["sendmessage"]

        async def handler(sim: Simulator, p: Params) -> Any:
            if not (self.armed and str(p.values.get("text", "")).startswith(REMINDER)):
                return await original.handler(sim, p)
            if delivered:
                await original.handler(sim, p)
            self.held += 1
            await asyncio.Event().wait()  # until the bot's connection goes with the bot

        monkeypatch.setitem(METHODS, "sendmessage", Method(original.name, handler))


async def _kill_while_sending(
    sim: Simulator, db: Database, bots: Bots, held: HeldSends
) -> tuple[list[SimUser], int]:
    """Schedule, let the reminders be claimed and their sends start, SIGKILL, restart.

    A claimed row whose sender died is sent again once its claim is two minutes old
    (outbox.STALE_CLAIM); the test ages the claims instead of waiting two minutes. Returns
    the users and how many sends were cut off.
    """
    users = _users(sim, SITI, ANDI)
    first = await bots.polling("first")
    meeting_id = await _schedule(db)
    for user in users:
        await user.replies(2, timeout=20)
    await eventually(lambda: _all_sent(db), within=20)
    await _make_due(db, meeting_id)
    await eventually(lambda: held.held >= len(users), within=20)  # the next run, within 5 s
    await bots.kill(first)
    held.armed = False
    assert await _statuses(db, meeting_id) == {"done"}  # claimed: the outbox rows exist
    async with db.transaction() as s:
        cut_off = (
            await s.exec(  # type: ignore[call-overload]
                update(Outbox)
                .where(col(Outbox.status) == OutboxStatus.SENDING.value)
                .values(claimed_at=datetime.now(ms.WIB) - timedelta(minutes=3))
                .returning(col(Outbox.id))
            )
        ).all()
    await bots.polling("restarted")
    await eventually(lambda: _all_sent(db), within=30)
    for user in users:
        await user.wait_idle(quiet=1.0)
    return users, len(cut_off)


async def test_killed_while_a_reminder_is_sent_it_still_arrives_once(
    sim: Simulator, db: Database, bots: Bots, monkeypatch: pytest.MonkeyPatch
):
    held = HeldSends(monkeypatch, delivered=False)
    users, cut_off = await _kill_while_sending(sim, db, bots, held)
    assert cut_off == len(users)  # one send in flight per chat when the bot died
    for user in users:
        assert _received(user) == (1, 1, 2), user.id


async def test_a_send_telegram_delivered_as_the_bot_died_comes_twice_at_most(
    sim: Simulator, db: Database, bots: Bots, monkeypatch: pytest.MonkeyPatch
):
    # The one ambiguous case (docs/architecture.md): the bot cannot know whether Telegram
    # delivered a send whose answer it never got, and sends it again rather than lose it.
    held = HeldSends(monkeypatch, delivered=True)
    users, cut_off = await _kill_while_sending(sim, db, bots, held)
    assert cut_off == len(users)
    for user in users:
        first, *rest = ms.reminders(user)
        assert len(rest) == 2 and rest[0].text == first.text  # only the one in flight twice
        assert _received(user)[:2] == (1, 1)


@pytest.mark.skipif(not PG_URL, reason="SQLite is the single-process store: one bot per file")
async def test_two_processes_on_one_database_send_each_reminder_once(
    sim: Simulator, db: Database, bots: Bots
):
    # Telegram delivers updates to one webhook URL (in production, a load balancer in front of
    # every process); here each process sets its own and the last one gets them all. Two
    # long-polling processes would end each other's getUpdates with 409 Conflict instead.
    # Eleven BKMs of one member each: 22 reminders fall due at once, in more than one batch
    # (BATCH = 20). Both processes' jobs run; whichever comes first may claim them all, since
    # one pass claims batch after batch (bot/runtime/scheduler.py). Claimers racing row by row
    # are tested in tests/domain/test_meetings_reminders.py.
    clock = SystemClock()
    members = list(range(7201, 7212))
    async with db.transaction() as s:
        for number in range(1, 12):
            await areas.add_bkm(
                s, clock, SYSTEM, name=f"BKM Uji {number:02}", kota="Bandung",
                kelurahan=f"Uji {number:02}",
            )  # fmt: skip
    for number, telegram_id in enumerate(members, start=1):
        await ms.seed_person(
            db, clock, telegram_id, f"Warga {number}", Role.ANGGOTA, bkm=f"BKM Uji {number:02}"
        )
    users = _users(sim, *members)
    one, two = await asyncio.gather(
        bots.webhook("one", _free_port(), LOG_LEVEL="INFO"),
        bots.webhook("two", _free_port(), LOG_LEVEL="INFO"),
    )
    meetings = [await _schedule(db, f"BKM Uji {n:02}") for n in range(1, 12)]
    for user in users:
        await user.replies(2, timeout=30)
    await eventually(lambda: _all_sent(db), within=20)

    await _make_due(db, *meetings)
    for user in users:
        await user.replies(2, timeout=30)
    await eventually(lambda: _all_sent(db), within=20)
    for user in users:
        await user.wait_idle(quiet=1.0)
        assert _received(user) == (1, 1, 2), user.id
    done = [_reminders_done(child) for child in (one, two)]
    assert sum(done) == 22, done  # between them, each reminder claimed once
    for child in (one, two):  # and both ran on the default event loop (EVENT_LOOP)
        assert " runtime, uvloop loop); " in child.log.read_text(errors="replace")


def _reminders_done(child: processes.Child) -> int:
    """How many reminders this process's job enqueued, from its log (scheduler.py's line)."""
    lines = child.log.read_text(errors="replace")
    return sum(int(n) for n in re.findall(r"reminders: (\d+) done", lines))
