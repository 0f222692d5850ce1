"""Meeting reminders end to end: the real bot over HTTP against the simulator.

The bot runs on a ShiftedClock: real seconds pass as usual (its 5-second reminder job and the
sender's polls keep running), but a test jumps the clock a day ahead instead of sleeping. After
each jump the test runs the reminder job once itself, so it need not wait for the next run.

The people: Rina (fasilitator, Bandung) calls the meetings of BKM Sukamaju; Siti and Budi
belong to it and live in Bandung (WIB); Andi registered in Makassar (WITA) and is also a
member of BKM Sukamaju, so he reads every time an hour later than they do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.config import load_settings
from bot.domain import areas, people
from bot.domain.actors import SYSTEM
from bot.domain.clock import ShiftedClock
from bot.domain.meetings import schedule
from bot.runtime.app import BotProcess
from bot.simulator import Simulator, SimUser
from storage.db import Database
from storage.models import Outbox, Role
from tests.e2e import meeting_setup as ms
from tests.e2e.conftest import TOKEN, World, eventually, seed

MONDAY = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # Monday 09.00 WIB, 10.00 WITA
START = datetime(2027, 3, 2, 7, 0, tzinfo=UTC)  # "besok 14.00": Tuesday 14.00 WIB
DAY_BEFORE, HOUR_BEFORE = START - timedelta(hours=24), START - timedelta(hours=1)
SECOND = timedelta(seconds=1)
RINA, SITI, ANDI, BUDI = 7001, 7002, 7003, 7004


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    """The e2e world of conftest, on a clock the test moves; quiet hours 21-6, reminders 24h,1h."""
    clock = ShiftedClock(MONDAY)
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_server=sim.url,
            database_url=database_url,
            reminder_offsets="24h,1h",
            quiet_hours="21-6",
            _env_file=None,
        )
        db = Database(database_url)
        await seed(db, clock)  # type: ignore[arg-type]
        world = World(sim, BotProcess(settings, clock), db, clock)  # type: ignore[arg-type]
        await world.bot.start()
        try:
            yield world
        finally:
            await world.bot.stop()
            await db.dispose()


@dataclass
class Team:
    rina: SimUser
    siti: SimUser
    andi: SimUser
    budi: SimUser


@pytest.fixture
async def team(world: World) -> Team:
    """Everyone registered through the real onboarding; Andi first in Makassar, then Sukamaju."""
    team = Team(*(world.sim.user(i, first_name=n) for i, n in zip(
        (RINA, SITI, ANDI, BUDI), ("Rina", "Siti", "Andi", "Budi"), strict=True
    )))  # fmt: skip
    await world.register(team.rina, Role.FASILITATOR, kota="Bandung")
    await world.register(team.siti, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await world.register(team.andi, Role.ANGGOTA, bkm="BKM Losari")
    await world.register(team.budi, Role.ANGGOTA, bkm="BKM Sukamaju")
    async with world.db.transaction() as s:
        sukamaju = await areas.find_bkm(s, "BKM Sukamaju")
        await people.grant_role(
            s, world.clock, SYSTEM, telegram_id=ANDI, role=Role.ANGGOTA, bkm=sukamaju
        )
    return team


def _clock(world: World) -> ShiftedClock:
    assert isinstance(world.clock, ShiftedClock)
    return world.clock


async def _meeting(world: World, when: str, offsets: list[int] | None = None) -> int:
    """Rina calls a BKM Sukamaju meeting with the service's settings, as the chat flow does."""
    chat = world.bot.runtime.services.chat
    meeting_id = await ms.schedule_meeting(
        world.db, world.clock, RINA, bkm="BKM Sukamaju", when=when, offsets=offsets,
        default_offsets=chat.reminder_offsets, quiet_hours=chat.quiet_hours,
    )  # fmt: skip
    world.bot.runtime.sender.wake()
    return meeting_id


async def _settled(world: World) -> None:
    """Wait until everything due is sent; what waits for later (quiet hours) stays queued."""
    world.bot.runtime.sender.wake()

    async def nothing_due() -> bool:
        # A row put back for a second because its chat was busy is still "due".
        soon = world.clock.now() + timedelta(seconds=5)
        async with world.db.transaction() as s:
            rows = (await s.exec(select(Outbox))).all()
        return not any(
            r.status == "sending" or (r.status == "pending" and r.next_attempt_at <= soon)
            for r in rows
        )

    try:
        await eventually(nothing_due, within=20)
    except AssertionError:
        async with world.db.transaction() as s:
            rows = (await s.exec(select(Outbox).where(Outbox.status != "sent"))).all()
        raise AssertionError(
            "still queued: " + "; ".join(f"{r.chat_id} {r.kind} {r.next_attempt_at}" for r in rows)
        ) from None


async def _at(world: World, moment: datetime) -> None:
    """Jump to `moment`, run the reminder job once, and let the sender send what is due."""
    _clock(world).set(moment)
    scheduler = world.bot.runtime.scheduler
    assert scheduler is not None
    await scheduler.run_once()
    await _settled(world)


async def _sent_reminders(world: World, telegram_id: int) -> list[Outbox]:
    async with world.db.transaction() as s:
        stmt = select(Outbox).where(
            Outbox.kind == "meeting.reminder", Outbox.chat_id == telegram_id
        )
        return list((await s.exec(stmt.order_by(Outbox.id))).all())  # type: ignore[arg-type]


async def _invited(world: World, *users: SimUser, count: int = 1) -> None:
    """Each of `users` received `count` invitations (text, then its calendar file)."""
    for user in users:
        await user.replies(2 * count, timeout=15)
    await _settled(world)


async def test_invitations_rsvp_and_both_reminders_in_each_persons_zone(world: World, team: Team):
    meeting_id = await _meeting(world, "besok 14.00")
    shown = {
        team.siti: "Selasa, 2 Maret 2027, pukul 14.00 WIB",
        team.budi: "Selasa, 2 Maret 2027, pukul 14.00 WIB",
        team.andi: "Selasa, 2 Maret 2027, pukul 15.00 WITA",
    }
    invitation = {}
    for user, when in shown.items():
        text, document = await user.replies(2, timeout=15)
        invitation[user] = text
        assert text.text.startswith("📅 Undangan rapat") and when in text.text
        assert text.button_labels() == ["✅ Hadir", "❌ Berhalangan"]
        assert document.document and document.document["file_name"] == f"rapat-{meeting_id}.ics"
        event = ms.calendar_event(world.sim, document)
        assert event.decoded("dtstart") == START  # the instant, whatever the reader's zone
        assert event.decoded("dtend") == START + timedelta(hours=2)
        assert str(event["uid"]) == f"rapat-{meeting_id}@paket-bot"
    assert ms.invitations(team.rina) == []  # the organiser called it: not invited

    # RSVP with the invitation's buttons; Budi says Hadir, then changes it to Berhalangan.
    for user, answer in ((team.siti, "y"), (team.budi, "y"), (team.budi, "n")):
        await user.press_data(invitation[user], f"mt:rsvp:{meeting_id}:{answer}")
        await user.wait_idle()
    assert "Berhalangan" in team.budi.callback_answers[-1]["text"]
    assert {i.person_id: i.rsvp for i in await ms.invitees(world.db, meeting_id)}.get(
        await ms.person_id(world.db, BUDI)
    ) == "berhalangan"

    await _at(world, DAY_BEFORE - timedelta(minutes=1))
    assert all(ms.reminders(u) == [] for u in shown)  # a minute early: nothing yet

    await _at(world, DAY_BEFORE + SECOND)
    siti, andi = await team.siti.reply(), await team.andi.reply()
    assert siti.text.startswith("⏰ Pengingat rapat") and shown[team.siti] in siti.text
    assert "sudah menyatakan hadir" in siti.text and "terlambat" not in siti.text
    assert andi.text.startswith("⏰ Pengingat rapat") and shown[team.andi] in andi.text
    assert "belum menjawab" in andi.text
    assert andi.button_labels() == ["✅ Hadir", "❌ Berhalangan"]

    await _at(world, DAY_BEFORE + 2 * SECOND)  # the job again: the reminder is done already
    await _at(world, HOUR_BEFORE + SECOND)
    await team.siti.reply()
    await team.andi.reply()
    await _at(world, START - timedelta(minutes=30))

    for user, expected in ((team.siti, 2), (team.andi, 2), (team.budi, 0)):
        assert len(ms.reminders(user)) == expected, user.info.first_name
        assert len(ms.invitations(user)) == len(ms.calendar_files(user)) == 1
    reminders = await ms.reminder_rows(world.db, meeting_id)
    assert {m: r.status for m, r in reminders.items()} == {1440: "done", 60: "done"}
    for row in await _sent_reminders(world, SITI) + await _sent_reminders(world, ANDI):
        due = max(r.due_at for r in reminders.values() if r.due_at <= row.created_at)
        assert row.sent_at is not None and timedelta(0) <= row.sent_at - due < timedelta(minutes=1)
    world.sim.assert_no_errors()


async def test_a_reschedule_moves_the_reminders_and_none_come_for_the_old_time(
    world: World, team: Team
):
    meeting_id = await _meeting(world, "besok 14.00")
    await _invited(world, team.siti, team.andi)
    await _at(world, DAY_BEFORE + SECOND)  # the day-before reminder for the old time goes
    assert "Selasa, 2 Maret 2027, pukul 14.00 WIB" in (await team.siti.reply()).text
    await team.andi.reply()

    organiser = await ms.actor_of(world.db, RINA)
    async with world.db.transaction() as s:  # to Thursday 14.00 WIB
        await schedule.reschedule(
            s, world.clock, organiser, meeting_id, when="4/3 14.00",
            quiet_hours=world.bot.runtime.services.chat.quiet_hours,
        )  # fmt: skip
    new_start = START + timedelta(days=2)
    for user, when in ((team.siti, "14.00 WIB"), (team.andi, "15.00 WITA")):
        notice, document = await user.replies(2, timeout=15)
        assert notice.text.startswith("🔁 Jadwal rapat diubah")
        assert f"Kamis, 4 Maret 2027, pukul {when}" in notice.text
        event = ms.calendar_event(world.sim, document)
        assert (event.decoded("dtstart"), event["sequence"]) == (new_start, 1)
    reminders = await ms.reminder_rows(world.db, meeting_id)
    assert {m: (r.status, r.due_at) for m, r in reminders.items()} == {
        1440: ("pending", new_start - timedelta(hours=24)),
        60: ("pending", new_start - timedelta(hours=1)),
    }

    await _at(world, HOUR_BEFORE + SECOND)  # the old hour-before time: nothing
    assert len(ms.reminders(team.siti)) == 1
    await _at(world, new_start - timedelta(hours=24) + SECOND)
    await _at(world, new_start - timedelta(hours=1) + SECOND)
    for user in (team.siti, team.andi):
        old, *new = ms.reminders(user)
        assert "Selasa, 2 Maret" in old.text
        assert len(new) == 2 and all("Kamis, 4 Maret 2027" in m.text for m in new)
    world.sim.assert_no_errors()


async def test_a_cancelled_meeting_sends_no_reminders(world: World, team: Team):
    meeting_id = await _meeting(world, "besok 14.00")
    await _invited(world, team.siti, team.andi)
    organiser = await ms.actor_of(world.db, RINA)
    async with world.db.transaction() as s:
        await schedule.cancel(
            s, world.clock, organiser, meeting_id, reason="Balai dipakai warga",
            quiet_hours=world.bot.runtime.services.chat.quiet_hours,
        )  # fmt: skip
    for user in (team.siti, team.andi):
        notice = await user.reply(timeout=15)
        assert notice.text.startswith("❌ Rapat dibatalkan")
        assert "Balai dipakai warga" in notice.text
    await _at(world, DAY_BEFORE + SECOND)
    await _at(world, HOUR_BEFORE + SECOND)
    assert ms.reminders(team.siti) == ms.reminders(team.andi) == []
    assert {r.status for r in (await ms.reminder_rows(world.db, meeting_id)).values()} == {
        "cancelled"
    }


async def test_quiet_hours_hold_in_each_persons_zone(world: World, team: Team):
    # Both reminders fall due on Tuesday at 23.00 WIB, which is midnight in Makassar.
    later = await _meeting(world, "3/3 09.00", offsets=[600])  # Wed 09.00 WIB, 10 h before
    early = await _meeting(world, "3/3 05.30", offsets=[390])  # Wed 05.30 WIB, 6 h 30 before
    await _invited(world, team.siti, team.andi, count=2)
    due = datetime(2027, 3, 2, 16, 0, tzinfo=UTC)  # Tuesday 23.00 WIB
    morning_wib, morning_wita = datetime(2027, 3, 2, 23, 0, tzinfo=UTC), due + timedelta(hours=6)

    await _at(world, due + SECOND)
    # The 05.30 WIB meeting would begin before Siti's quiet hours end: she is reminded at once.
    (now,) = ms.reminders(team.siti)
    assert "Rabu, 3 Maret 2027, pukul 05.30 WIB" in now.text
    # In Makassar that meeting is at 06.30 WITA, after the quiet hours: Andi hears at 06.00.
    assert ms.reminders(team.andi) == []

    await _at(world, morning_wita - timedelta(minutes=1))
    assert ms.reminders(team.andi) == [] and len(ms.reminders(team.siti)) == 1
    await _at(world, morning_wita + SECOND)  # 06.00 WITA, still 05.00 WIB
    texts = sorted(m.text for m in ms.reminders(team.andi))
    assert len(texts) == 2
    assert "Rabu, 3 Maret 2027, pukul 06.30 WITA" in texts[0]
    assert "Rabu, 3 Maret 2027, pukul 10.00 WITA" in texts[1]
    assert len(ms.reminders(team.siti)) == 1
    await _at(world, morning_wib + SECOND)  # 06.00 WIB
    assert "Rabu, 3 Maret 2027, pukul 09.00 WIB" in ms.reminders(team.siti)[-1].text
    assert len(ms.reminders(team.budi)) == 2

    for row in await _sent_reminders(world, ANDI):
        assert row.sent_at is not None and row.sent_at >= morning_wita
    sent = {"05.30" in r.text: r.sent_at for r in await _sent_reminders(world, SITI)}
    assert sent[True] is not None and sent[True] < due + timedelta(minutes=1)
    assert sent[False] is not None and sent[False] >= morning_wib
    for meeting_id in (later, early):
        assert (await ms.reminder_rows(world.db, meeting_id)).popitem()[1].status == "done"


async def test_after_downtime_a_late_reminder_says_so_and_a_missed_one_is_not_sent(
    world: World, team: Team
):
    soon = await _meeting(world, "besok 14.00", offsets=[60])  # reminder Tue 13.00 WIB
    begun = await _meeting(world, "besok 11.00", offsets=[60])  # reminder Tue 10.00 WIB
    await _invited(world, team.siti, team.andi, count=2)

    settings = world.bot.settings
    await world.bot.stop()  # the bot is down from Monday until Tuesday 13.30 WIB
    _clock(world).set(START - timedelta(minutes=30))
    world.bot = BotProcess(settings, world.clock)
    await world.bot.start()  # the reminder job's first run is at start-up

    async def handled() -> bool:
        rows = [*(await ms.reminder_rows(world.db, soon)).values()]
        rows += (await ms.reminder_rows(world.db, begun)).values()
        return all(r.status != "pending" for r in rows)

    await eventually(handled)
    await _settled(world)

    for user, when in ((team.siti, "14.00 WIB"), (team.andi, "15.00 WITA")):
        (late,) = ms.reminders(user)
        assert f"pukul {when}" in late.text
        assert "Mohon maaf, pengingat ini terlambat terkirim." in late.text
    assert (await ms.reminder_rows(world.db, soon))[60].status == "done"
    assert (await ms.reminder_rows(world.db, begun))[60].status == "missed"
    await _at(world, START - timedelta(minutes=29))  # and nothing more on the next runs
    assert len(ms.reminders(team.siti)) == len(ms.reminders(team.andi)) == 1
